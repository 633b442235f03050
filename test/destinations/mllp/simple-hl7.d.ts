// simple-hl7 ships no types; the listener parts these tests use.
declare module 'simple-hl7' {
  import type { Server } from 'node:net';
  interface ParsedMessage {
    toString(): string;
  }
  interface TcpClient {
    send(msg: string, callback: (err: Error | null, ack?: ParsedMessage) => void): void;
    close(): void;
  }
  interface TcpServer {
    start(port: number): void;
    stop(): void;
    server: Server;
  }
  const hl7: {
    Server: {
      createTcpClient(options: { host: string; port: number; keepalive?: boolean }): TcpClient;
      createTcpServer(
        handler: (err: unknown, req: { raw: string }, res: { end(): void }) => void,
      ): TcpServer;
    };
  };
  export default hl7;
}
