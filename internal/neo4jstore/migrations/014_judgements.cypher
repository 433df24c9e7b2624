// Judgements of likely duplicates: one per pair of entity IDs.
CREATE CONSTRAINT judgement_pair IF NOT EXISTS FOR (j:Judgement) REQUIRE j.pair IS UNIQUE;
