import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadVector, onnxCases, onnxCasesAt } from '../src/onnx/cases.js';
import { HANDLERS } from '../src/onnx/handlers.js';
import { locateOnnxTests, ONNX_TESTS_ENV } from '../src/onnx/locate.js';
import { ONNX_VECTORS } from '../src/onnx/vectors.js';
import { matchPadding } from '../src/onnx/windows.js';
import { createReferenceBackend } from '../src/testing/index.js';

const where = locateOnnxTests();

describe('ONNX vector location', () => {
  it('finds shared/onnx-node-tests beside the repository', () => {
    expect(where.dir).not.toBeNull();
    expect(existsSync(join(where.dir!, 'README.md'))).toBe(true);
  });

  it(`honours ${ONNX_TESTS_ENV} and looks nowhere else`, () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-onnx-'));
    expect(locateOnnxTests(undefined, { [ONNX_TESTS_ENV]: join(empty, 'missing') })).toEqual({ dir: null, searched: [join(empty, 'missing')] });
    expect(locateOnnxTests(undefined, { [ONNX_TESTS_ENV]: where.dir! }).dir).toBe(where.dir);
  });

  it('fails every ONNX operator with a clear message when a named folder is absent', () => {
    const cases = onnxCases('/nonexistent/onnx-node-tests');
    expect(cases.map((c) => c.kernel).sort()).toEqual(
      ['onnx:BatchNormalization', 'onnx:Conv', 'onnx:Dropout', 'onnx:Gemm', 'onnx:MaxPool', 'onnx:Relu', 'onnx:Softmax'],
    );
    for (const c of cases) {
      const r = c.check(createReferenceBackend());
      expect(r.pass).toBe(false);
      expect(r.message).toContain('ONNX test vectors not found: /nonexistent/onnx-node-tests is not a folder');
    }
  });

  it('searches upward from outside node_modules, and not at all from an installed copy', () => {
    const root = mkdtempSync(join(tmpdir(), 'onnx-search-'));
    mkdirSync(join(root, 'shared', 'onnx-node-tests'), { recursive: true });
    const deep = join(root, 'repo', 'packages', 'conformance', 'dist', 'onnx');
    mkdirSync(deep, { recursive: true });
    expect(locateOnnxTests(undefined, {}, deep).dir).toBe(join(root, 'shared', 'onnx-node-tests'));
    const installed = join(root, 'app', 'node_modules', '@batchwise', 'conformance', 'dist', 'onnx');
    mkdirSync(installed, { recursive: true });
    expect(locateOnnxTests(undefined, {}, installed)).toEqual({ dir: null, searched: [] });
  });

  it('skips every ONNX operator with the reason when no folder is found (the published package ships none)', () => {
    const cases = onnxCasesAt({ dir: null, searched: [] }, false);
    expect(cases).toHaveLength(7);
    for (const c of cases) {
      expect(c.skip).toBe(
        `ONNX test vectors not found (they are not shipped with @batchwise/conformance); set ${ONNX_TESTS_ENV} to an onnx-node-tests folder to run them.`,
      );
      expect(c.check(createReferenceBackend())).toEqual({ pass: true, maxError: 0, skipped: c.skip });
    }
    const searched = onnxCasesAt({ dir: null, searched: ['/x/packages/conformance/dist/onnx/shared/onnx-node-tests', '/x/shared/onnx-node-tests'] }, false);
    expect(searched[0].skip).toContain('(they are not shipped with @batchwise/conformance; no shared/onnx-node-tests above /x/packages/conformance/dist/onnx)');
  });
});

describe('ONNX vector table', () => {
  it('lists every vector of the folder exactly once', () => {
    const onDisk = [
      ...readdirSync(where.dir!).filter((d) => d.startsWith('test_')),
      ...readdirSync(join(where.dir!, 'pytorch-converted')).map((d) => `pytorch-converted/${d}`),
    ].sort();
    expect(ONNX_VECTORS.map((v) => v.test).sort()).toEqual(onDisk);
  });

  it('skips exactly the vectors batchwise cannot express', () => {
    expect(ONNX_VECTORS.filter((v) => v.skip).map((v) => v.test)).toEqual([
      'test_conv_with_strides_and_asymmetric_padding',
      'pytorch-converted/test_Conv2d_depthwise',
      'pytorch-converted/test_Conv2d_depthwise_padded',
      'pytorch-converted/test_Conv2d_depthwise_strided',
      'pytorch-converted/test_Conv2d_depthwise_with_multiplier',
      'pytorch-converted/test_Conv2d_dilated',
      'pytorch-converted/test_Conv2d_groups',
      'pytorch-converted/test_Conv2d_groups_thnn',
      'pytorch-converted/test_Conv2d_padding',
      'test_maxpool_1d_default',
      'test_maxpool_2d_dilations',
      'test_maxpool_2d_pads',
      'test_maxpool_2d_same_lower',
      'test_maxpool_3d_default',
      'test_maxpool_3d_dilations',
      'test_maxpool_3d_dilations_use_ref_impl',
      'test_maxpool_3d_dilations_use_ref_impl_large',
      'pytorch-converted/test_MaxPool2d_stride_padding_dilation',
      'test_softmax_axis_0',
      'test_softmax_axis_1',
      'test_training_dropout',
      'test_training_dropout_default',
      'test_training_dropout_default_mask',
      'test_training_dropout_mask',
    ]);
  });

  it('skips for a reason the handlers confirm: running a skipped vector reports it inexpressible', () => {
    const backend = createReferenceBackend();
    for (const v of ONNX_VECTORS.filter((x) => x.skip)) {
      const r = HANDLERS[v.op](backend, loadVector(join(where.dir!, v.test)));
      expect('skipped' in r, v.test).toBe(true);
    }
  });

  it("maps SAME_LOWER to 'same' only when the padding splits evenly", () => {
    const attrs = { kernel: [3, 3], strides: [2, 2], dilations: [1, 1], pads: [0, 0, 0, 0], autoPad: 'SAME_LOWER', ceilMode: false };
    expect(matchPadding([5, 5], attrs)).toBe('same');
    expect(matchPadding([4, 4], attrs)).toBeNull();
    expect(matchPadding([4, 4], { ...attrs, autoPad: 'SAME_UPPER' })).toBe('same');
  });
});
