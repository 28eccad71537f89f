import { Tensor, findBackend, setBackend } from '@batchwise/core';
import { chooseBackend, describeBackend, PAGE_BACKENDS } from '../shared/backends.js';
import { demoNetwork, INPUT_SIZE } from '../shared/networks.js';
import { serveContenders, type Contender } from './speed-worker-loop.js';

/* batchwise's side of the speed page: the demo's networks, on each backend the page loads. */

export const LEARNING_RATE = 0.1;

function contender(backendName: string): Contender {
  return {
    name: `batchwise ${backendName}`,
    async activate() {
      setBackend(backendName);
    },
    detail: () => describeBackend(findBackend(backendName)),
    network(variant) {
      const model = demoNetwork(variant, LEARNING_RATE, 1);
      return {
        async step(x, y, n) {
          await model.trainOnBatch(new Tensor(x, [n, INPUT_SIZE]), new Tensor(y, [n]));
        },
      };
    },
  };
}

serveContenders(async () => {
  await chooseBackend();
  return PAGE_BACKENDS.map(contender);
});
