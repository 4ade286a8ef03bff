/**
 * Firefox has no `--host-resolver-rules`, and `network.dns.localDomains` keeps port 443 (binding it
 * needs root and allows one test browser at a time). So Firefox gets this HTTPS proxy instead: each
 * `CONNECT host:443` for a test host is tunnelled, bytes untouched, to the local mock server, which
 * does the TLS under the real host name. Any other host is refused and recorded.
 */
import { connect, createServer, type Socket } from 'node:net';
import { TEST_HOSTS } from './tls';

export interface HttpsProxy {
  port: number;
  /** What else the browser tried to reach (Firefox's own services…): refused, never tunnelled. */
  refused: string[];
  close(): Promise<void>;
}

export function isTestHost(host: string): boolean {
  return TEST_HOSTS.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
}

export async function startHttpsProxy(mockPort: number): Promise<HttpsProxy> {
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [method, authority = ''] = head.subarray(0, end).toString('latin1').split(/\s+/);
      const [host = '', port] = authority.toLowerCase().split(':');
      if (method !== 'CONNECT' || port !== '443' || !isTestHost(host)) {
        refused.push(authority);
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(mockPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head.subarray(end + 4));
        client.pipe(upstream).pipe(client);
      });
      track(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no port');
  return {
    port: address.port,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
