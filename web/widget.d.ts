// Type declarations of `hairmatte/widget` (web/widget.mjs): the <hair-tryon> element. Importing the
// module defines the element; these types make `document.querySelector('hair-tryon')`,
// `document.createElement('hair-tryon')` and its events typed. Reference: docs/widget.md.
/// <reference lib="dom" />
import type { HairMatteInfo } from '../bindings/js/index.js';

/** A shade as the page gave it (its own object, or a <hair-shade>'s attributes), with at least `color`. */
export interface HairShade {
  /** #RRGGBB. */
  color: string;
  name?: string;
  sku?: string;
  id?: string | number;
  price?: string | number;
  [key: string]: unknown;
}

/** A product with one or more shades; a product with `color` and no `shades` is its own single shade. */
export interface HairProduct {
  name?: string;
  sku?: string;
  id?: string | number;
  /** Shown as given, next to the product name (format it in the shop's currency). */
  price?: string | number;
  url?: string;
  shades?: HairShade[];
  color?: string;
  [key: string]: unknown;
}

/** One offered shade: its name, colour, and what the shade and select events carry. */
export interface HairShadeEntry {
  name: string;
  color: string;
  shade: HairShade;
  /** null for a shade of the `colors` attribute or a <hair-shade> outside a <hair-product>. */
  product: HairProduct | null;
}

export interface HairShadeDetail {
  color: string;
  shade: HairShade;
  product: HairProduct | null;
}

/**
 * Error kinds: shopper-facing ones show a message in the element ('camera', 'camera-ended', 'webgl',
 * 'webgl-lost', 'model', 'image', 'frame'); page mistakes only fire the event and warn in the console
 * ('attribute', 'products', 'messages'). Each failure fires once (docs/widget.md).
 */
export type HairTryOnErrorKind =
  | 'camera' | 'camera-ended' | 'webgl' | 'webgl-lost' | 'model' | 'image' | 'frame'
  | 'attribute' | 'products' | 'messages';

export interface HairTryOnErrorDetail {
  kind: HairTryOnErrorKind;
  /** The technical text (for logs; never shown to shoppers). */
  message: string;
  /** For kind 'camera'. */
  reason?: 'refused' | 'unavailable' | 'unsupported';
}

/** Every visible word, by key; give any subset through the `messages` property. */
export interface HairTryOnMessages {
  startTitle: string; startNote: string; canvasLabel: string; swatchesLabel: string;
  /** Placeholders {name} and {color}. */
  swatchLabel: string;
  /** Placeholder {color}. */
  swatchLabelUnnamed: string;
  upload: string;
  /** Placeholder {percent}. */
  loading: string;
  loadingStarted: string; stopCamera: string; startCamera: string; backToCamera: string; restartCamera: string;
  retry: string; choose: string; compareLabel: string; before: string; after: string; noHair: string; noHairPhoto: string;
  'camera-refused': string; 'camera-unavailable': string; 'camera-ended': string; webgl: string;
  'webgl-lost': string; model: string; image: string; frame: string;
}

/** The element's own events (they bubble and cross the shadow boundary). */
export interface HairTryOnEventMap {
  /** Bytes of the model and wasm downloaded; total is 0 while a size is unknown. */
  progress: CustomEvent<{ loaded: number; total: number }>;
  /** The engine has loaded (after each load: the first, and after a `model` change). */
  ready: CustomEvent<{ info: (HairMatteInfo & { inWorker: boolean }) | null }>;
  shadechange: CustomEvent<HairShadeDetail & { fromUser: boolean }>;
  /** The shopper pressed "Choose this shade" (wire it to the cart). */
  select: CustomEvent<HairShadeDetail>;
  colorchange: CustomEvent<{ color: string; fromUser: boolean }>;
  error: CustomEvent<HairTryOnErrorDetail>;
}

export declare class HairTryOnElement extends HTMLElement {
  /** Products with shades; setting null goes back to child elements or the `colors` attribute. */
  products: HairProduct[] | null;
  /** Setting replaces words (missing keys fall back to `lang`'s set, then English); reading gives them all. */
  get messages(): HairTryOnMessages;
  set messages(value: Partial<HairTryOnMessages> | null);
  /** The before/after divider (the `compare` attribute). */
  compare: boolean;
  /** Where the divider is, 0..1 of the frame's width (left of it: the original). */
  compareSplit: number;
  /** The selected colour, #RRGGBB; setting one that no shade has recolours without a selected shade. */
  color: string | null;
  lang: string;
  readonly shadeList: HairShadeEntry[];
  readonly shade: HairShadeDetail | null;
  readonly colors: { name: string; hex: string }[];
  readonly mode: 'solid' | 'ombre' | 'highlights';
  readonly strength: number;
  /** ms without hair in view before the hint (the `hint-delay` attribute; default 4000). */
  readonly hintDelay: number;
  readonly view: 'idle' | 'live' | 'stopped' | 'photo';
  readonly info: (HairMatteInfo & { inWorker: boolean }) | null;
  readonly stats: { frames: number; fps: number; msPerFrame: number };
  /** Asks for the camera and goes live; false (after an `error` event) when it could not. */
  start(): Promise<boolean>;
  stopCamera(): void;
  /** Shows a photo recoloured (stops the camera); false (after an `error` event) when it could not. */
  showPhoto(file: Blob | ImageBitmap): Promise<boolean>;
  /** Loads the engine now (what the `preload` attribute does). */
  preload(): void;
  /** The picture as shown, as a PNG. */
  snapshot(): Promise<Blob>;

  addEventListener<K extends keyof HairTryOnEventMap>(type: K,
    listener: (this: HairTryOnElement, ev: HairTryOnEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(type: K,
    listener: (this: HairTryOnElement, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof HairTryOnEventMap>(type: K,
    listener: (this: HairTryOnElement, ev: HairTryOnEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(type: K,
    listener: (this: HairTryOnElement, ev: HTMLElementEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'hair-tryon': HairTryOnElement;
  }
}
