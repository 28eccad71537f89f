import { createNativeBackend } from '../dist/index.js';
import { randomNormal, tensor } from '@batchwise/core';
const b = createNativeBackend();
const x = randomNormal([70001], {seed:1});
for (const k of ['relu','sigmoid','tanh','neg','abs','exp','square']) { console.log(k); b[k](x); }
console.log('binary'); b.add(x, x);
console.log('bias'); b.biasAdd(randomNormal([5,3],{seed:1}), tensor([1,2,3])); b.biasGrad(randomNormal([5,3],{seed:1}));
console.log('softmax'); b.softmax(randomNormal([40000,2],{seed:1}));
console.log('sum'); const y = randomNormal([3,4,5,6],{seed:1});
for (const axes of [undefined,[0],[3],[1,2],[0,3],[-1],[0,1,2],[2],[1,3]]) { console.log(axes); b.sum(y,{axes}); b.max(y,{axes}); }
console.log('done');
