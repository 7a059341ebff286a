// A webhook receiver that checks Probr's signatures with the Standard Webhooks reference library.
//   npm install standardwebhooks
//   WEBHOOK_SECRET=whsec_... node deploy/webhook-receiver.mjs [port]
import http from "node:http";
import { Webhook } from "standardwebhooks";

const verifier = new Webhook(process.env.WEBHOOK_SECRET);
const port = Number(process.argv[2] ?? 9999);

http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk)).on("end", () => {
    try {
      const delivery = verifier.verify(body, request.headers); // throws on a bad signature or an old timestamp
      console.log(new Date().toISOString(), request.headers["webhook-id"], delivery.type, JSON.stringify(delivery.data ?? {}));
      response.writeHead(204).end();
    } catch (error) {
      console.error("refused:", error.message);
      response.writeHead(400).end();
    }
  });
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/`));
