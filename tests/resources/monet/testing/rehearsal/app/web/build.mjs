// Builds dist/ the way Vite builds the real frontend: content-hashed assets (the hash has a
// fixed length, so an edit of the same length keeps every file's size) and an index.html that
// references them. No dependencies: `npm ci` installs nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const hash = (text) => createHash('sha256').update(text).digest('base64url').slice(0, 8);
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/assets', { recursive: true });
let page = readFileSync('index.html', 'utf8');
for (const [source, marker] of [['src/main.js', '%SCRIPT%'], ['src/style.css', '%STYLE%']]) {
  const text = readFileSync(source, 'utf8');
  const name = `assets/index-${hash(text)}.${source.split('.').pop()}`;
  writeFileSync(`dist/${name}`, text);
  page = page.replace(marker, `/${name}`);
}
writeFileSync('dist/index.html', page);
console.log('built dist/ for', page.match(/assets\/[^"]+/g).join(', '));
