package server_test

// apiDocHeader opens docs/api.md; the examples and their answers follow,
// written by TestExamplesGolden -update.
const apiDocHeader = "# The API\n\n" +
	"casegraph serves one GraphQL endpoint at `/graphql` (GET and POST, `application/json` or `application/graphql-response+json`) and GraphiQL at `/`, which opens with the examples below as tabs. The schema is `schema.graphqls`; every type and field there has a description.\n\n" +
	"## Shape\n\n" +
	"- **Entities.** `Person`, `Party`, `Organisation`, `Court`, `LegalCode`, `LegalArticle`, `Place`, `Event`, `Case`, `Charge`, `Sentence`, `Restriction` and `Source` implement `Entity` and `Node`. `node(id:)` and `nodes(ids:)` take the readable IDs of the case files (`person/zhanbolat-mamai`).\n" +
	"- **Relationships in both directions.** A person's `memberships`, `cases`, `charges`, `sentences`, `restrictions`, `events`; a court's `cases`; an article's `charges` and `convictions`; an event's `participants` and `cases`; an organisation's `statements`, `assessments` and `reports`. Fields that carry a role, dates or their own sources are lists of `Link` (the relationship and the `entity` at its other end).\n" +
	"- **Provenance.** Every entity and every `Link` has `citations`: the source and the paragraph that state it. `relationship(id:)` shows one relationship with its sources. Claims that sources disagree about have `contested: true` and appear side by side.\n" +
	"- **Dates** are `FuzzyDate`: the case file's `text` (`2022-03`, `before 2022-12`), its `precision`, and the `earliest` and `latest` days it can mean.\n" +
	"- **Lists** at the root are Relay connections (`first`, `after`, `totalCount`, `pageInfo`); nested lists take `first`.\n" +
	"- **Graph views** (`neighbourhood`, `paths`, `subgraph`) answer `{ nodes { id type label properties } edges { id type source target properties sources } }` with stable IDs, so a client can merge successive answers, and `truncated` when a limit cut the answer.\n\n" +
	"## Execution\n\n" +
	"Each root field costs a fixed number of Cypher statements, whatever the number of results or the depth of the selection: the client's selection of entities is compiled into one statement with nested subqueries, and rows that refer to entities (convictions, search hits, timelines) fetch them with one more statement per entity-valued field. Every request's log line says how many statements it cost (`db_statements`). A field selected twice under different aliases must ask the same arguments.\n\n" +
	"## Limits and errors\n\n" +
	"| limit | value | error |\n|---|---|---|\n" +
	"| depth of nested fields | 10 | `BAD_USER_INPUT`, `extensions.limit: depth` |\n" +
	"| complexity: each field costs 1 plus its children, multiplied by `first` on lists and connections | 100000 | `BAD_USER_INPUT`, `extensions.limit: complexity` |\n" +
	"| tokens in a query | 15000 | `GRAPHQL_PARSE_FAILED` |\n" +
	"| request body | 1 MiB | HTTP 413, `extensions.limit: body` |\n" +
	"| operations per request | 1: a JSON array (a batch) is refused | HTTP 400, `BAD_USER_INPUT`, `extensions.limit: batch` |\n" +
	"| requests per client: its token's name, else its address | `CASEGRAPH_RATE_LIMIT` per second (50), bursts of `CASEGRAPH_RATE_BURST` (100) | HTTP 429 with `Retry-After`, `RATE_LIMITED`, `extensions.limit: rate` |\n" +
	"| `first` on connections | 100 | `BAD_USER_INPUT` |\n" +
	"| nested lists | 500 items | silently capped |\n" +
	"| `neighbourhood` depth / `paths` length | 3 / 6 | `BAD_USER_INPUT` |\n\n" +
	"Errors carry `extensions.code`: `BAD_USER_INPUT` (a bad argument, with what is expected), `NOT_FOUND`, `UNAVAILABLE` (Neo4j cannot be reached; retry), `INTERNAL` (logged on the server; no Cypher or stack trace is ever shown), `RATE_LIMITED`, and gqlgen's `GRAPHQL_PARSE_FAILED` and `GRAPHQL_VALIDATION_FAILED` (also for `__schema` and `__type` when `CASEGRAPH_INTROSPECTION=false`, with `extensions.limit: introspection`). Parsed queries are cached, and automatic persisted queries (`extensions.persistedQuery`) are supported.\n\n" +
	"HTTP status codes follow GraphQL over HTTP: an executed request is answered 200, partial answers with errors included. A request that could not run (parse, validation or variable errors) is answered 200 to `application/json` clients and 400 to `application/graphql-response+json` ones, without a `data` entry; a body that is not JSON or names no query gets 400. When Neo4j is away and the answer holds nothing else (`data` is null or, for `application/json`, every error is `UNAVAILABLE`) the status is 503 with `Retry-After: 1`.\n\n" +
	"## Editing\n\n" +
	"Mutations need a bearer token (`Authorization: Bearer …`, made with `casegraph token create -role editor -name NAME`): `createEntity`, `updateEntity`, `addSource`, `createRelation`, `updateRelation`, `retractRelation` and `importCaseFile` need the editor role, `retractEntity` and `mergeEntities` (which folds a duplicate record into the one kept: names become aliases, relationships and citations move) the admin role. A missing or bad token gets `UNAUTHENTICATED`, a weaker role `FORBIDDEN`, and nothing is written.\n\n" +
	"Every input is checked by the same code as case files, so the rules and the messages are the same: known fields and enumerations, real dates, references to existing entities of the right type, and at least one citation (`SOURCE-ID#pN`) for every fact. `fields` takes the case-file fields of the type, as in `docs/case-files.md`.\n\n" +
	"Every entity has a `version`. `updateEntity` and `retractEntity` name the version the editor read; if someone changed the entity since, the write fails with `CONFLICT` and nothing is overwritten. Each write runs in one transaction with its audit record: `history(id:)` lists who changed what and when, with the fact before and after; a retracted entity disappears from the graph but stays in its history.\n\n" +
	"`importCaseFile(name:, content:, dryRun:)` runs a whole case file through the same checks and transactional import as `casegraph import`, and answers every problem with its line and column.\n\n" +
	"```graphql\nmutation {\n  updateEntity(id: \"person/zhanbolat-mamai\", version: 1, set: {occupations: [\"politician\", \"journalist\"]}, cite: [\"source/iphr-2023-04-mamai#p3\"], reason: \"occupation stated in the report\") { id version }\n}\n```\n\n" +
	"# Examples\n\nEach example below is a tab in GraphiQL and is answered here from the bundled data; the answers are the golden files of the API tests.\n\n"
