/**
 * @module test/support/socks5-relay
 *
 * A minimal SOCKS5 relay (RFC 1928: no authentication, CONNECT to an IPv4 address or a domain
 * name) for tests of clusters reached through a `proxy-url: socks5://...`. It records every
 * CONNECT target, so a test can tell the client went through the proxy.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Socks5Relay {
  readonly url: string;
  /** `host:port` of every CONNECT, in order. */
  readonly connects: string[];
  close(): Promise<void>;
}

export async function startSocks5Relay(): Promise<Socks5Relay> {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let buf = Buffer.alloc(0);
    let greeted = false;
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (!greeted) {
        // VER NMETHODS METHODS...: answer "no authentication".
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        buf = buf.subarray(2 + buf[1]!);
        greeted = true;
        client.write(Buffer.from([5, 0]));
      }
      // VER CMD RSV ATYP DST.ADDR DST.PORT
      if (buf.length < 5) return;
      const atyp = buf[3]!;
      const addrLen = atyp === 1 ? 4 : atyp === 3 ? 1 + buf[4]! : -1;
      if (buf[1] !== 1 || addrLen < 0) {
        client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      if (buf.length < 4 + addrLen + 2) return;
      const host = atyp === 1 ? [...buf.subarray(4, 8)].join('.') : buf.subarray(5, 5 + buf[4]!).toString();
      const port = buf.readUInt16BE(4 + addrLen);
      const rest = buf.subarray(4 + addrLen + 2);
      client.off('data', onData);
      connects.push(`${host}:${port}`);
      const upstream = createConnection({ host, port }, () => {
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `socks5://127.0.0.1:${port}`,
    connects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
