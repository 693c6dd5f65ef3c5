// The rehearsal's SSR server (web-ssr on port 3000): renders each page into the built
// index.html, so a page references this version's hashed assets; asks the API for its version
// as the real server fetches initial data (nothing when the API is down). Health on
// SSR_HEALTH_PATH. Stops at once on SIGTERM, as the real server does.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const template = readFileSync(new URL('./dist/index.html', import.meta.url), 'utf8');
const version = process.env.APP_VERSION ?? 'unknown';
const healthPath = process.env.SSR_HEALTH_PATH ?? '/ssr-health';
const api = process.env.API_URL ?? 'http://drawing-agent:8000';
const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function apiVersion() {
  try {
    const answer = await fetch(`${api}/api/version`, { signal: AbortSignal.timeout(1000) });
    return (await answer.json()).version;
  } catch {
    return '';
  }
}

const server = http.createServer(async (request, response) => {
  if (request.url === healthPath) {
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('healthy');
  } else if (request.method === 'GET' || request.method === 'HEAD') {
    const rendered = `<main data-ssr-version="${escape(version)}" data-api-version="${escape(await apiVersion())}">`
      + `${escape(request.url)}</main>`;
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(template.replace('<!--ssr-->', rendered));
  } else {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Cannot ' + request.method + ' ' + request.url);
  }
});
process.on('SIGTERM', () => process.exit(0));
server.listen(Number(process.env.PORT ?? 3000), () => console.log(`web-ssr ${version} listening on ${server.address().port}`));
