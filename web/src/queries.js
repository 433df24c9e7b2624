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
    parts { id charges(first: 200) { id name status case { id name } defendant { id name } } }
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
// Cross-case questions (crosscase.js). Each asks the IDs of what ties an
// answer together (charges, articles, sentences, restrictions), so that
// adding a result draws it with the edges that justify it.
const named = 'id name';
const list = (types) => `entities(types: [${types}], orderBy: {field: ID}, first: 100) { edges { node { id name ... on LegalArticle { article part item code { name } } } } }`;
// The choices the panel's selects offer, in three groups loaded as a
// question needs them (each root field costs as a whole-graph question).
export const CROSS_CHOICES = `query ExplorerCrossChoices {
  articles: ${list('LEGAL_ARTICLE')}
  courts: entities(types: [COURT], first: 100) { edges { node { id name ... on Court { place { id name } } } } }
  parties: entities(types: [PARTY], first: 100) { edges { node { id name } } }
}`;
export const CROSS_KINDS = `query ExplorerCrossKinds {
  countries: counts(by: COUNTRY) { key label }
  restrictionKinds: counts(by: RESTRICTION_KIND) { key label }
  sentenceKinds: counts(by: SENTENCE_KIND) { key label }
  categories: counts(by: CATEGORY) { key label }
}`;
export const CROSS_CASES = `query ExplorerCrossCases {
  cases: entities(types: [CASE], first: 100) { edges { node { id name } } }
}`;

export const CONVICTIONS = `query ExplorerConvictions($filter: ConvictionFilter, $after: String) {
  convictions(filter: $filter, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      person { ${named} } group { ${named} } people
      case { ${named} } charge { id } article { ${named} parent { id } }
      court { ${named} } sentence { id } sentenceInForce { id }
      sentenceKind termMonths date { text } restrictions { id kind }
    } }
  }
}`;

export const COUNTS = `query ExplorerCounts($by: CountDimension!, $filter: ConvictionFilter) {
  counts(by: $by, filter: $filter) { key label count named unnamed }
}`;

export const SIMILAR_CASES = `query ExplorerSimilarCases($to: ID!, $first: Int) {
  similarCases(to: $to, first: $first) { case { ${named} } score reasons }
}`;

export const COMMON_GROUND = `query ExplorerCommonGround($a: ID!, $b: ID!) {
  commonGround(a: $a, b: $b) {
    a { ${named} type } b { ${named} type }
    shared { kind key label reasons entity { ${named} type } }
  }
}`;

const chargeRef = `${named} article { id parent { id } }`;
export const CHARGE_CHANGES = `query ExplorerChargeChanges {
  chargeChanges {
    case { ${named} } person { ${named} }
    original { ${chargeRef} } reclassified { ${chargeRef} } final { ${chargeRef} }
    reclassifiedOn { text } reinitiatedOn { text } months { least most }
  }
}`;

export const ARRESTS_AFTER_PROTESTS = `query ExplorerArrestsAfterProtests($withinMonths: Int) {
  arrestsAfterProtests(withinMonths: $withinMonths) {
    person { ${named} } party { ${named} } relation role
    protest { ${named} } via arrest { ${named} } months { least most }
  }
}`;

export const PRETRIAL_DETENTION = `query ExplorerPretrialDetention {
  pretrialDetention {
    person { ${named} } case { ${named} }
    periods { restriction { id } kind start { text } end { text } }
    total { least most } open sentence { id } verdictDate { text }
  }
}`;

export const ASSESSED_CASES = `query ExplorerAssessedCases($minOrganisations: Int) {
  assessedCases(minOrganisations: $minOrganisations) {
    case { ${named} } organisations { ${named} } assessments { organisation { id } assessment } contested
  }
}`;

export const ARTICLE_PAIRS = `query ExplorerArticlePairs {
  articlePairs { a { ${named} } b { ${named} } count cases { ${named} } persons { ${named} } }
}`;

export const CONTESTED_CLAIMS = `query ExplorerContestedClaims {
  contestedClaims { target type about { ${named} type } other { ${named} type } note sources { id title } }
}`;

export const LATER_CHARGED_ASSOCIATES = `query ExplorerLaterChargedAssociates {
  laterChargedAssociates {
    convicted { ${named} } associate { ${named} } via { ${named} type } article { ${named} }
    convictedOn { text } chargedOn { text }
  }
}`;

/** The shortest paths (up to three steps) between each pair, as one query: what ties a result's entities where no edge joins them directly. */
export function tiesQuery(n) {
  const vars = Array.from({ length: n }, (_, i) => `$f${i}: ID!, $t${i}: ID!`).join(', ');
  const fields = Array.from({ length: n }, (_, i) => `p${i}: paths(from: $f${i}, to: $t${i}, maxLength: 3, limit: 2) { nodes { id: entity } }`).join('\n  ');
  return `query ExplorerTies(${vars}) {\n  ${fields}\n}`;
}
