// The DOM-free parts of <hair-tryon>: the message sets (German complete, fallbacks, placeholders, unknown
// keys reported) and the product lists (shapes accepted, problems reported per shade, the rest kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGES, MESSAGE_KEYS, resolveMessages, builtInMessages, format } from '../../web/widget/messages.mjs';
import { shadesFromProducts, shadesFromColors, shadeDetail } from '../../web/widget/products.mjs';

test('messages: the German set has every English key, non-empty, and the same placeholders', () => {
  assert.deepEqual(Object.keys(MESSAGES.de).sort(), [...MESSAGE_KEYS].sort());
  const placeholders = (text) => (text.match(/\{\w+\}/g) || []).sort();
  for (const key of MESSAGE_KEYS) {
    assert.ok(MESSAGES.de[key].trim(), key);
    assert.deepEqual(placeholders(MESSAGES.de[key]), placeholders(MESSAGES.en[key]), key);
  }
});

test('messages: lang picks a set by primary tag; overrides win; unknown keys are reported, not used', () => {
  assert.equal(builtInMessages('de-AT'), MESSAGES.de);
  assert.equal(builtInMessages('fr'), MESSAGES.en);
  assert.equal(builtInMessages(undefined), MESSAGES.en);
  const unknown = [];
  const texts = resolveMessages('de', { upload: 'Bild wählen', startTitel: 'typo', retry: 42 }, (k) => unknown.push(k));
  assert.equal(texts.upload, 'Bild wählen');
  assert.equal(texts.startTitle, MESSAGES.de.startTitle);
  assert.equal(texts.retry, MESSAGES.de.retry, 'a non-string value is ignored');
  assert.deepEqual(unknown, ['startTitel']);
  assert.equal(format('Loading… {percent}% of {what}', { percent: 40 }), 'Loading… 40% of {what}');
});

test('products: shades of several products, single-colour products, and bad entries reported one by one', () => {
  const problems = [];
  const gloss = { name: 'Gloss', price: '€24', shades: [{ name: 'Plum', color: '#5D2A4A', sku: 'G1' }, { name: 'Bad', color: '#12345' }, null] };
  const rinse = { name: 'Rinse', color: '#2a4b8d' };
  const list = shadesFromProducts([gloss, rinse, 'x'], problems);
  assert.deepEqual(list.map((s) => [s.name, s.color]), [['Plum', '#5d2a4a'], ['Rinse', '#2a4b8d']]);
  assert.equal(list[0].product, gloss, 'the page\'s own object is passed on');
  assert.equal(list[0].shade, gloss.shades[0]);
  assert.deepEqual(problems, ['products[0].shades[1]: color must be #RRGGBB, got "#12345"',
    'products[0].shades[2] must be an object', 'products[2] must be an object']);
  assert.deepEqual(shadeDetail(list[1]), { color: '#2a4b8d', shade: rinse, product: rinse });
  const notArray = [];
  assert.deepEqual(shadesFromProducts({ shades: [] }, notArray), []);
  assert.match(notArray[0], /products must be an array/);
});

test('products: the colors attribute keeps its format; a bad entry is a problem, not a throw', () => {
  const problems = [];
  assert.deepEqual(shadesFromColors('Espresso #3B1F14, #8b2252', problems).map((s) => [s.name, s.color, s.product]),
    [['Espresso', '#3b1f14', null], ['#8b2252', '#8b2252', null]]);
  assert.equal(shadesFromColors('Espresso #3b1f14, red', problems), null);
  assert.deepEqual(problems, ["colors: 'red' is not a #RRGGBB colour"]);
});
