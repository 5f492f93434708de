// What <hair-tryon> tells the shopper when something goes wrong, and what it tells the page:
// - a failure shows its shopper message (a message key, in the shopper's words) with a button where there
//   is something to do, and fires one `error` event {kind, message, reason?} with the technical text;
// - the same kind fires again only after clear(kind): a new attempt (click, upload, load) or the failure
//   went away (a frame succeeded, the context came back), so a failure repeating every frame is one event;
// - page mistakes (DEVELOPER_KINDS) go to the event and the console, never on screen, once per problem;
// - a hint (not a failure: no hair in view) shows over the picture without an event.

// Kinds that are the page's mistake, not the shopper's problem.
export const DEVELOPER_KINDS = Object.freeze(['attribute', 'products', 'messages']);
// The shopper's way out of a failure, by message key: the button's label (a message key).
const ACTIONS = { 'camera-ended': 'restartCamera', model: 'retry' };

// The message key of a failure's shopper text, or null for a page mistake.
export function shopperKey(error) {
  const kind = error.kind || 'error';
  if (DEVELOPER_KINDS.includes(kind)) return null;
  if (kind === 'camera') return error.reason === 'refused' ? 'camera-refused' : 'camera-unavailable';
  return kind;
}

export class Notices {
  // parts: {notice, message, action, hint}; texts(): the current message set; emit(detail): fires `error`.
  constructor(parts, { texts, emit }) {
    this.parts = parts;
    this.texts = texts;
    this.emit = emit;
    this.reported = new Set();  // kinds (or developer messages) fired and not cleared since
    this.noticeKey = null;      // the shopper message on screen
    this.hintKey = null;
  }

  fail(error) {
    const kind = error.kind || 'error';
    const key = shopperKey(error);
    if (key && this.texts()[key]) this.show(key);
    const once = key ? kind : `${kind}: ${error.message}`;
    if (this.reported.has(once)) return;
    this.reported.add(once);
    if (!key) console.warn(`hair-tryon: ${error.message}`);
    const detail = { kind, message: error.message };
    if (error.reason) detail.reason = error.reason;
    this.emit(detail);
  }

  // A new attempt, or the failure is over: the kind may fire again, and its message goes.
  clear(...kinds) {
    for (const kind of kinds) {
      this.reported.delete(kind);
      if (this.noticeKey && (this.noticeKey === kind || (kind === 'camera' && this.noticeKey.startsWith('camera-')))) this.hide();
    }
  }

  show(key) {
    this.noticeKey = key;
    const { notice, message, action } = this.parts;
    const texts = this.texts();
    message.textContent = texts[key];
    const actionKey = ACTIONS[key];
    action.hidden = !actionKey;
    if (actionKey) action.textContent = texts[actionKey];
    notice.hidden = false;
  }

  hide() {
    this.noticeKey = null;
    this.parts.notice.hidden = true;
    this.parts.message.textContent = '';
  }

  hint(key) {
    this.hintKey = key;
    this.parts.hint.hidden = !key;
    this.parts.hint.textContent = key ? this.texts()[key] : '';
  }

  // After the words changed: what is on screen is worded again.
  reword() {
    if (this.noticeKey) this.show(this.noticeKey);
    if (this.hintKey) this.hint(this.hintKey);
  }
}
