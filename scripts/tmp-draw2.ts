import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { CAPTCHA_FONT_FILE } from '../src/paths.js';
GlobalFonts.registerFromPath(CAPTCHA_FONT_FILE, 'F');
const c = createCanvas(240, 88); const ctx = c.getContext('2d');
function t(name: string, f: () => void) { for (let i = 0; i < 200; i++) f(); const s = process.cpuUsage(); for (let i = 0; i < 2000; i++) f(); const u = process.cpuUsage(s); console.log(name.padEnd(20), ((u.user + u.system) / 2000).toFixed(0), 'µs'); }
t('fillRect', () => { ctx.fillStyle = 'hsl(100,40%,94%)'; ctx.fillRect(0, 0, 240, 88); });
t('text x4', () => { for (let i = 0; i < 4; i++) { ctx.save(); ctx.translate(30 * i + 20, 44); ctx.rotate(0.3); ctx.font = `${52 + i}px F`; ctx.fillStyle = 'hsl(200,65%,30%)'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillText('A', 0, 0); ctx.restore(); } });
t('text x4 same font', () => { ctx.font = `54px F`; for (let i = 0; i < 4; i++) { ctx.save(); ctx.translate(30 * i + 20, 44); ctx.rotate(0.3); ctx.fillStyle = 'hsl(200,65%,30%)'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillText('A', 0, 0); ctx.restore(); } });
t('curves x2', () => { for (let i = 0; i < 2; i++) { ctx.strokeStyle = '#345'; ctx.lineWidth = 4; ctx.beginPath(); ctx.moveTo(0, 20); ctx.bezierCurveTo(60, 0, 160, 88, 240, 50); ctx.stroke(); } });
t('jpeg 70', () => { c.encodeSync('jpeg', 70); });
t('jpeg async?', () => {});
t('png', () => { c.encodeSync('png'); });
t('getImageData', () => { ctx.getImageData(0, 0, 240, 88); });
t('text x4 rand rot', () => { for (let i = 0; i < 4; i++) { ctx.save(); ctx.translate(30 * i + 20, 44); ctx.rotate(Math.random() - 0.5); ctx.font = `${Math.round(48 + Math.random() * 12)}px F`; ctx.fillStyle = 'hsl(200,65%,30%)'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillText('ABCDEFGHJK'[Math.floor(Math.random()*10)]!, 0, 0); ctx.restore(); } });
t('text x4 rand rot path', () => { for (let i = 0; i < 4; i++) { ctx.save(); ctx.translate(30 * i + 20, 44); ctx.rotate(Math.random() - 0.5); ctx.font = `${Math.round(48 + Math.random() * 12)}px F`; ctx.fillStyle = 'hsl(200,65%,30%)'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillText('ABCDEFGHJK'[Math.floor(Math.random()*10)]!, 0, 0); ctx.restore(); } });
