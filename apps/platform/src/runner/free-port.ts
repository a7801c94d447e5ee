import { createServer } from "node:net";

/**
 * A loopback port free right now: listen on 0, read it, close. Another process could take it
 * before the server binds it; the server then fails its start and the deploy (or restart) says so.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port from a loopback listener"));
      });
    });
  });
}
