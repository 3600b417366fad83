// onnxruntime-node for Python: `npm run eval:models` scores the shipped ONNX files in the same
// engine the app runs them in (onnxruntime; Python here has none). One process serves many runs
// over stdin/stdout, so the session of each model is made once.
//
// Frames both ways: uint32 little-endian length of a JSON header, the header, then the float32
// little-endian tensors back to back in the header's order.
//   request  {"model": "/abs/path.onnx", "threads": 2, "inputs": [{"name", "shape"}]}
//   response {"outputs": [{"name", "shape"}]} or {"error": "message"}
// On start, once onnxruntime-node has loaded: {"ready": true}.
import * as ort from 'onnxruntime-node';

const sessions = new Map();

async function session(path, threads) {
  const key = `${path}#${threads}`;
  if (!sessions.has(key)) {
    sessions.set(key, await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    }));
  }
  return sessions.get(key);
}

function frame(header, tensors) {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([length, json, ...tensors.map((t) => Buffer.from(t.buffer, t.byteOffset, t.byteLength))]);
}

async function answer(header, body) {
  try {
    const s = await session(header.model, header.threads ?? 1);
    const feeds = {};
    let offset = 0;
    for (const input of header.inputs) {
      const count = input.shape.reduce((a, b) => a * b, 1);
      // Copy: the request buffer is reused and Float32Array needs 4-byte alignment.
      const data = new Float32Array(count);
      Buffer.from(data.buffer).set(body.subarray(offset, offset + count * 4));
      feeds[input.name] = new ort.Tensor('float32', data, input.shape);
      offset += count * 4;
    }
    const results = await s.run(feeds);
    const names = s.outputNames;
    return frame({ outputs: names.map((n) => ({ name: n, shape: results[n].dims })) }, names.map((n) => results[n].data));
  } catch (error) {
    return frame({ error: String(error?.message ?? error) }, []);
  }
}

process.stdout.write(frame({ ready: true }, []));

// Chunks are joined only when a whole frame has arrived (a localizer input is tens of MB).
let chunks = [];
let held = 0;
let need = 4;
let busy = Promise.resolve();

function take() {
  const all = Buffer.concat(chunks, held);
  chunks = [all];
  return all;
}

process.stdin.on('data', (chunk) => {
  chunks.push(chunk);
  held += chunk.length;
  while (held >= need) {
    const all = take();
    const headerBytes = all.readUInt32LE(0);
    if (all.length < 4 + headerBytes) { need = 4 + headerBytes; return; }
    const header = JSON.parse(all.subarray(4, 4 + headerBytes).toString());
    const bodyBytes = header.inputs.reduce((sum, i) => sum + 4 * i.shape.reduce((a, b) => a * b, 1), 0);
    if (all.length < 4 + headerBytes + bodyBytes) { need = 4 + headerBytes + bodyBytes; return; }
    const body = all.subarray(4 + headerBytes, 4 + headerBytes + bodyBytes);
    const rest = all.subarray(4 + headerBytes + bodyBytes);
    chunks = [rest];
    held = rest.length;
    need = 4;
    busy = busy.then(async () => process.stdout.write(await answer(header, body)));
  }
});
