// The queries the explorer sends. Each asks only for what it shows.

const citation = 'ref paragraph quote source { id title publisher url language date { text } }';
// The explorer keys its drawing by entity and relationship IDs, not by the
// views' cache keys.
const graph = `nodes { id: entity type label properties } edges { id: relationship type source target properties sources { ${citation} } }`;

export const SEARCH = `query ExplorerSearch($q: String!) {
  search(query: $q, first: 8) { matched score entity { id type name } }
}`;

export const NEIGHBOURHOOD = `query ExplorerNeighbourhood($id: ID!) {
  neighbourhood(id: $id, depth: 1, limit: 100) { truncated ${graph} }
}`;

// Every relationship of one entity, for counting them by type and
// direction before expanding.
export const NEIGHBOURS = `query ExplorerNeighbours($id: ID!) {
  neighbourhood(id: $id, depth: 1, limit: 500) { truncated ${graph} }
}`;

export const SUBGRAPH = `query ExplorerSubgraph($ids: [ID!]!) {
  subgraph(ids: $ids) { truncated ${graph} }
}`;

export const PATHS = `query ExplorerPaths($from: ID!, $to: ID!, $max: Int!) {
  paths(from: $from, to: $to, maxLength: $max, limit: 10) { truncated paths ${graph} }
}`;

export const DETAILS = `query ExplorerDetails($id: ID!) {
  node(id: $id) {
    ... on Entity { id type name aliases description note contested citations { ${citation} } }
    ... on Source { title publisher url date { text } language }
  }
}`;

// The citations of the entities in an export, at most 100 at a time.
export const CITATIONS = `query ExplorerCitations($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Entity { citations { ref paragraph source { id title publisher url date { text } } } } }
}`;

export const TIMELINE = `query ExplorerTimeline($id: ID!) {
  timeline(of: $id) {
    date { text precision earliest latest qualifier estimated }
    kind title
    entity { id type name }
    citations { ${citation} }
  }
}`;

// Every charge under an article or its parts, convicted or not.
export const ARTICLE_CHARGES = `query ExplorerArticleCharges($id: ID!) {
  node(id: $id) { ... on LegalArticle {
    charges(first: 200) { id name status case { id name } defendant { id name } }
    parts { charges(first: 200) { id name status case { id name } defendant { id name } } }
  } }
}`;

export const COURT_CASES = `query ExplorerCourtCases($id: ID!) {
  node(id: $id) { ... on Court { cases(first: 200) { entity { id name } } } }
}`;

export const RESTRICTIONS = `query ExplorerRestrictions {
  entities(types: [RESTRICTION], first: 100) { edges { node { ... on Restriction { id kind case { id name } person { id name } } } } }
}`;

export const CHOICES = `query ExplorerChoices {
  articles: entities(types: [LEGAL_ARTICLE], orderBy: {field: ID}, first: 100) { edges { node { id name ... on LegalArticle { article part item code { name } } } } }
  courts: entities(types: [COURT], first: 100) { edges { node { id name } } }
  kinds: counts(by: RESTRICTION_KIND) { key label count }
}`;

// Saved investigations (investigations.js). A save answers what the page
// keeps of it: its version for the next save, and who saved it when.
const investigationMeta = 'id name description version updatedBy updatedAt';

export const INVESTIGATION = `query ExplorerInvestigation($id: ID!) {
  investigation(id: $id) {
    ${investigationMeta}
    entities { id }
    positions { entity x y }
    filters { hiddenTypes hiddenRelationshipTypes state }
    notes { entity text }
  }
}`;

export const INVESTIGATIONS = `query ExplorerInvestigations($after: String) {
  investigations(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${investigationMeta} entityIds } }
  }
}`;

export const SAVE_INVESTIGATION = `mutation ExplorerSaveInvestigation($input: InvestigationInput!, $version: Int, $reason: String) {
  saveInvestigation(input: $input, version: $version, reason: $reason) { ${investigationMeta} }
}`;

export const DELETE_INVESTIGATION = `mutation ExplorerDeleteInvestigation($id: ID!, $version: Int!) {
  deleteInvestigation(id: $id, version: $version, reason: "deleted from the explorer") { version }
}`;
