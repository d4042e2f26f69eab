// One OS user's browser: a top-level navigation to the app's loopback link, following redirects on
// 127.0.0.1 the way a browser does (until the portal's wait page). Prints the hops as JSON.
//   browser <url>
import { request } from 'node:http';

interface Hop {
  url: string;
  status: number;
  location: string | null;
  code: string | null;
}

function get(url: URL): Promise<Hop> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        agent: false,
        headers: { Host: url.host, 'Sec-Fetch-Dest': 'document', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Site': 'cross-site' },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ url: url.href, status: res.statusCode ?? 0, location: res.headers.location ?? null, code: /ERR_[A-Z_]+/.exec(body)?.[0] ?? null }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const hops: Hop[] = [];
let next: URL | null = new URL(process.argv[2]!);
while (next && hops.length < 5) {
  const hop = await get(next);
  hops.push(hop);
  next = hop.location && new URL(hop.location).hostname === '127.0.0.1' && hop.status >= 300 && hop.status < 400 && new URL(hop.location).pathname === '/handoff' ? new URL(hop.location) : null;
}
process.stdout.write(JSON.stringify(hops));
