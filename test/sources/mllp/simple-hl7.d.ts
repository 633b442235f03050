// simple-hl7 ships no types; the parts the tests use.
declare module 'simple-hl7' {
  interface ParsedMessage {
    toString(): string;
  }
  interface TcpClient {
    send(msg: string, callback: (err: Error | null, ack?: ParsedMessage) => void): void;
    close(): void;
  }
  const hl7: {
    Server: {
      createTcpClient(options: { host: string; port: number; keepalive?: boolean }): TcpClient;
    };
  };
  export default hl7;
}
