// Dates keep their uncertainty: each date property sorts by its last
// possible day (its first for "after X") and carries its first and last
// possible days, where known, as <name>Earliest and <name>Latest. This
// rewrites dates stored before that rule from their case-file text; a date
// that has either bound is done and is not touched again.

MATCH (n) WHERE n.dateText IS NOT NULL AND n.datePrecision IS NOT NULL AND n.dateEarliest IS NULL AND n.dateLatest IS NULL
WITH n, trim(n.dateText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.dateEarliest = earliest, n.dateLatest = latest, n.date = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.dateText IS NOT NULL AND r.datePrecision IS NOT NULL AND r.dateEarliest IS NULL AND r.dateLatest IS NULL
WITH r, trim(r.dateText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.dateEarliest = earliest, r.dateLatest = latest, r.date = coalesce(latest, earliest);

MATCH (n) WHERE n.startText IS NOT NULL AND n.startPrecision IS NOT NULL AND n.startEarliest IS NULL AND n.startLatest IS NULL
WITH n, trim(n.startText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.startEarliest = earliest, n.startLatest = latest, n.start = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.startText IS NOT NULL AND r.startPrecision IS NOT NULL AND r.startEarliest IS NULL AND r.startLatest IS NULL
WITH r, trim(r.startText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.startEarliest = earliest, r.startLatest = latest, r.start = coalesce(latest, earliest);

MATCH (n) WHERE n.endText IS NOT NULL AND n.endPrecision IS NOT NULL AND n.endEarliest IS NULL AND n.endLatest IS NULL
WITH n, trim(n.endText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.endEarliest = earliest, n.endLatest = latest, n.end = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.endText IS NOT NULL AND r.endPrecision IS NOT NULL AND r.endEarliest IS NULL AND r.endLatest IS NULL
WITH r, trim(r.endText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.endEarliest = earliest, r.endLatest = latest, r.end = coalesce(latest, earliest);

MATCH (n) WHERE n.openedText IS NOT NULL AND n.openedPrecision IS NOT NULL AND n.openedEarliest IS NULL AND n.openedLatest IS NULL
WITH n, trim(n.openedText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.openedEarliest = earliest, n.openedLatest = latest, n.opened = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.openedText IS NOT NULL AND r.openedPrecision IS NOT NULL AND r.openedEarliest IS NULL AND r.openedLatest IS NULL
WITH r, trim(r.openedText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.openedEarliest = earliest, r.openedLatest = latest, r.opened = coalesce(latest, earliest);

MATCH (n) WHERE n.foundedText IS NOT NULL AND n.foundedPrecision IS NOT NULL AND n.foundedEarliest IS NULL AND n.foundedLatest IS NULL
WITH n, trim(n.foundedText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.foundedEarliest = earliest, n.foundedLatest = latest, n.founded = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.foundedText IS NOT NULL AND r.foundedPrecision IS NOT NULL AND r.foundedEarliest IS NULL AND r.foundedLatest IS NULL
WITH r, trim(r.foundedText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.foundedEarliest = earliest, r.foundedLatest = latest, r.founded = coalesce(latest, earliest);

MATCH (n) WHERE n.changeDateText IS NOT NULL AND n.changeDatePrecision IS NOT NULL AND n.changeDateEarliest IS NULL AND n.changeDateLatest IS NULL
WITH n, trim(n.changeDateText) AS t
WITH n, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH n, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH n, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET n.changeDateEarliest = earliest, n.changeDateLatest = latest, n.changeDate = coalesce(latest, earliest);

MATCH ()-[r]->() WHERE r.changeDateText IS NOT NULL AND r.changeDatePrecision IS NOT NULL AND r.changeDateEarliest IS NULL AND r.changeDateLatest IS NULL
WITH r, trim(r.changeDateText) AS t
WITH r, t, replace(trim(CASE WHEN t STARTS WITH 'before ' THEN substring(t, 7) WHEN t STARTS WITH 'after ' THEN substring(t, 6) ELSE t END), '?', '') AS core
WITH r, t, CASE size(core) WHEN 4 THEN date(core + '-01-01') WHEN 7 THEN date(core + '-01') ELSE date(core) END AS first,
     CASE size(core) WHEN 4 THEN duration('P1Y') WHEN 7 THEN duration('P1M') ELSE duration('P1D') END AS span
WITH r, CASE WHEN t STARTS WITH 'before ' THEN null WHEN t STARTS WITH 'after ' THEN first + span ELSE first END AS earliest,
     CASE WHEN t STARTS WITH 'before ' THEN first - duration('P1D') WHEN t STARTS WITH 'after ' THEN null ELSE first + span - duration('P1D') END AS latest
SET r.changeDateEarliest = earliest, r.changeDateLatest = latest, r.changeDate = coalesce(latest, earliest);
