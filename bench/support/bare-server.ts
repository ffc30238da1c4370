/**
 * The benchmarks' bare baseline: plain node:http that reads the request and answers a constant
 * limit-check JSON, with no authentication, no database and no services. What the machine itself
 * gives an HTTP round trip at a given rate (the kernel, the scheduler of a 2-core VM, Node and the
 * load generator): the floor under any server's latency. PORT from the environment; prints
 * "listening" when ready.
 */
import http from "node:http";

const answer = JSON.stringify({
  metric: "executions",
  allowed: true,
  limit: 1_000_000_000_000,
  used: 0,
  reserved: 0,
  remaining: 1_000_000_000_000,
  overage: 0,
  reason: "Within the plan's limit.",
});

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
