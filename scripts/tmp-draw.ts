import { drawCaptcha } from '../src/captcha/draw-captcha.js';
const N = 2000;
for (let i = 0; i < 200; i++) drawCaptcha('AB12');
let t = process.cpuUsage(); for (let i = 0; i < N; i++) drawCaptcha('AB12'); let u = process.cpuUsage(t);
console.log('full µs', ((u.user + u.system) / N).toFixed(0));
