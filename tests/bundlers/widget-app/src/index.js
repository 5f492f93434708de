// A shop page's script: the <hair-tryon> element, imported by name; nothing else.
import 'hairmatte/widget';

window.appReady = true;
