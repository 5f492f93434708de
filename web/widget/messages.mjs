// Every word <hair-tryon> shows, by language. A page replaces any of them with the element's `messages`
// property (an object of the keys below; missing keys fall back to the `lang` set, then to English) and
// picks the built-in set with `lang` (on the element or an ancestor, e.g. <html lang="de">).
// `{name}` placeholders are filled in by format(). Shopper messages only: the technical detail of a failure
// goes to the `error` event, never on screen.

export const MESSAGES = Object.freeze({
  en: Object.freeze({
    startTitle: 'Try this colour on',
    startNote: 'Uses your camera; video stays on this device',
    canvasLabel: 'Live hair colour try-on',
    swatchesLabel: 'Hair colours',
    swatchLabel: '{name} ({color})',
    swatchLabelUnnamed: 'Colour {color}',
    upload: 'Upload a photo',
    loading: 'Loading the try-on… {percent}%',
    loadingStarted: 'Loading the try-on…',
    stopCamera: 'Stop camera',
    startCamera: 'Start camera',
    backToCamera: 'Back to camera',
    restartCamera: 'Restart camera',
    retry: 'Try again',
    choose: 'Choose this shade',
    compareLabel: 'Before and after: drag or use the arrow keys',
    before: 'Before',
    after: 'After',
    noHair: 'We cannot see your hair yet: face the camera in good light.',
    noHairPhoto: 'We could not find hair in this photo: try one that shows your face and hair.',
    'camera-refused': 'Camera access was refused; you can upload a photo instead.',
    'camera-unavailable': 'The camera could not be opened; you can upload a photo instead.',
    'camera-ended': 'The camera stopped.',
    webgl: 'This browser cannot show the try-on (it needs WebGL2); please try another browser.',
    'webgl-lost': 'The picture could not be restored after a graphics reset; please reload the page.',
    model: 'The try-on could not be loaded; please check your connection and try again.',
    image: 'That file could not be read as a photo; please try a JPEG or PNG.',
    frame: 'Something went wrong while showing the picture.',
  }),
  de: Object.freeze({
    startTitle: 'Diese Farbe ausprobieren',
    startNote: 'Nutzt Ihre Kamera; das Video bleibt auf diesem Gerät',
    canvasLabel: 'Haarfarbe live ausprobieren',
    swatchesLabel: 'Haarfarben',
    swatchLabel: '{name} ({color})',
    swatchLabelUnnamed: 'Farbe {color}',
    upload: 'Foto hochladen',
    loading: 'Die Anprobe wird geladen… {percent} %',
    loadingStarted: 'Die Anprobe wird geladen…',
    stopCamera: 'Kamera aus',
    startCamera: 'Kamera an',
    backToCamera: 'Zurück zur Kamera',
    restartCamera: 'Kamera neu starten',
    retry: 'Erneut versuchen',
    choose: 'Diesen Farbton wählen',
    compareLabel: 'Vorher und nachher: ziehen oder Pfeiltasten nutzen',
    before: 'Vorher',
    after: 'Nachher',
    noHair: 'Wir sehen Ihr Haar noch nicht: Schauen Sie bei gutem Licht in die Kamera.',
    noHairPhoto: 'Auf diesem Foto wurde kein Haar gefunden: Nehmen Sie eines, das Gesicht und Haar zeigt.',
    'camera-refused': 'Der Kamerazugriff wurde verweigert; Sie können stattdessen ein Foto hochladen.',
    'camera-unavailable': 'Die Kamera ließ sich nicht öffnen; Sie können stattdessen ein Foto hochladen.',
    'camera-ended': 'Die Kamera wurde beendet.',
    webgl: 'Dieser Browser kann die Anprobe nicht zeigen (WebGL2 fehlt); bitte nehmen Sie einen anderen Browser.',
    'webgl-lost': 'Das Bild ließ sich nach einem Grafik-Neustart nicht wiederherstellen; bitte laden Sie die Seite neu.',
    model: 'Die Anprobe konnte nicht geladen werden; bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    image: 'Diese Datei ließ sich nicht als Foto lesen; bitte nehmen Sie ein JPEG oder PNG.',
    frame: 'Beim Anzeigen des Bildes ist etwas schiefgegangen.',
  }),
});

export const MESSAGE_KEYS = Object.freeze(Object.keys(MESSAGES.en));

// The built-in set for a BCP 47 tag ('de-AT' -> de), English when there is none.
export function builtInMessages(lang) {
  const primary = String(lang || '').toLowerCase().split('-')[0];
  return MESSAGES[primary] || MESSAGES.en;
}

// English <- built-in set of `lang` <- the page's overrides (only string values of known keys count; an
// unknown key is reported through `onUnknown` so a typo is not silently ignored).
export function resolveMessages(lang, overrides, onUnknown = () => {}) {
  const out = { ...MESSAGES.en, ...builtInMessages(lang) };
  for (const [key, value] of Object.entries(overrides || {})) {
    if (!MESSAGE_KEYS.includes(key)) { onUnknown(key); continue; }
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

// format('Loading… {percent}%', {percent: 40}) -> 'Loading… 40%'; unknown placeholders stay as written.
export function format(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
