/** Model cards: parsing, the hash and the signature checks, and what the errors say. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkModel, checkModelSignature, ModelCheckError, parseCard, sha256Hex, type DetectorCard, type LocalizerCard } from './modelCard';

const text = (name: string) => readFileSync(new URL(`./testdata/${name}.json`, import.meta.url), 'utf8');
const localizer = parseCard<LocalizerCard>(text('spine-localizer'), 'spine-localizer');
const signature = {
  inputs: [{ name: 'image', shape: [1, 1, 'Z', 'Y', 'X'] }],
  outputs: [{ name: 'center', shape: [1, 'Z', 2] }, { name: 'presence', shape: [1, 'Z'] }],
};

describe('model cards', () => {
  it('sha256 by Web Crypto', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('parses the cards card.py writes, with the numbers the runtime reads', () => {
    expect(localizer.preprocessing.spacingMm).toEqual([2, 2, 4]);
    const detector = parseCard<DetectorCard>(text('vertebra-detector'), 'vertebra-detector');
    expect(detector.levelNames).toContain('T13');
    expect(detector.straightening).toMatchObject({ stepMm: 1, halfWidthMm: 64, outsideHu: -1024, centrelineSmoothingSigmaMm: 0 });
    expect(detector.straightening.secondLook).toMatchObject({ maxOffsetMm: 10, innerOnly: true, blendMm: 30, sameBodyMm: 10 });
  });

  it("refuses a detector card whose second look lacks a setting, and reads one without a second look", () => {
    const card = JSON.parse(text('vertebra-detector'));
    delete card.straightening.secondLook.blendMm;
    card.straightening.secondLook.innerOnly = 'yes';
    expect(() => parseCard(JSON.stringify(card), 'vertebra-detector')).toThrow(/lacks straightening.secondLook.blendMm, straightening.secondLook.innerOnly;/);
    delete card.straightening.secondLook;
    expect(parseCard<DetectorCard>(JSON.stringify(card), 'vertebra-detector').straightening.secondLook).toBeUndefined();
  });

  it('refuses a swapped, broken or incomplete card, naming the problem', () => {
    expect(() => parseCard(text('spine-localizer'), 'vertebra-detector')).toThrow(/names the model "spine-localizer", expected "vertebra-detector"/);
    expect(() => parseCard('{', 'spine-localizer')).toThrow(/not valid JSON/);
    const card = JSON.parse(text('spine-localizer'));
    delete card.preprocessing.window;
    expect(() => parseCard(JSON.stringify(card), 'spine-localizer')).toThrow(/lacks preprocessing.window.lowHu, preprocessing.window.highHu; rebuild with npm run train:localizer/);
  });

  it('a wrong hash: the file, both hashes and the fix', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const error = await checkModel(localizer, bytes).catch((e) => e);
    expect(error).toBeInstanceOf(ModelCheckError);
    expect(error.message).toBe(
      `model spine-localizer.onnx does not match its card: sha256 ${await sha256Hex(bytes)}, expected ${localizer.sha256}; rebuild with npm run train:localizer or restore public/models`,
    );
  });

  it('names and shapes of the graph against the card', () => {
    expect(() => checkModelSignature(localizer, signature)).not.toThrow();
    const wrongShape = { ...signature, outputs: [signature.outputs[0], { name: 'presence', shape: [1, 'Z', 1] }] };
    expect(() => checkModelSignature(localizer, wrongShape)).toThrow('model spine-localizer.onnx does not match its card: output presence shape [1, Z, 1], expected [1, Z]; rebuild with npm run train:localizer or restore public/models');
    const wrongNames = { ...signature, inputs: [{ name: 'input', shape: [1, 1, 'Z', 'Y', 'X'] }] };
    expect(() => checkModelSignature(localizer, wrongNames)).toThrow('inputs (input), expected (image)');
    // A runtime that cannot report a shape (empty) is not held against the model.
    expect(() => checkModelSignature(localizer, { ...signature, inputs: [{ name: 'image', shape: [] }] })).not.toThrow();
  });
});
