// The @neo4j/graphql contender of the casegraph benchmark: the Neo4j
// GraphQL Library over the same Neo4j and data, served over plain HTTP
// POST /graphql with the graphql reference implementation.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { graphql } from "graphql";
import neo4j from "neo4j-driver";
import { Neo4jGraphQL } from "@neo4j/graphql";

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7725";
const addr = process.env.ADDR ?? "127.0.0.1:8321";
const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];

const driver = neo4j.driver(uri, neo4j.auth.basic("neo4j", "unused"), { maxConnectionPoolSize: 64 });
const typeDefs = readFileSync(new URL("./typedefs.graphql", import.meta.url), "utf8");
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/graphql") {
    res.writeHead(req.url === "/healthz" ? 200 : 404).end();
    return;
  }
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", async () => {
    let out;
    try {
      const { query, variables } = JSON.parse(body);
      out = await graphql({ schema, source: query, variableValues: variables, contextValue: { sessionConfig: { database: "neo4j" } } });
    } catch (err) {
      out = { errors: [{ message: String(err) }] };
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
  });
});
server.listen(port, host, () => console.log(`neo4j-graphql contender on http://${addr}/graphql`));
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => server.close(() => driver.close().then(() => process.exit(0))));
}
