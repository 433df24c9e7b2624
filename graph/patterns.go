package graph

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// The cross-case questions: the store answers each with rows of IDs in one
// statement; the entities a client selects are then fetched once per
// entity-valued field, whatever the number of rows.

// as returns the entity with id as a *T, or nil.
func as[T any](es map[string]model.Entity, id string) *T {
	t, _ := any(es[id]).(*T)
	return t
}

func (r *Resolver) convictionFilter(ctx context.Context, f *model.ConvictionFilter) (kg.ConvictionFilter, error) {
	var out kg.ConvictionFilter
	if f == nil {
		return out, nil
	}
	if err := r.checkCountries(ctx, f.Countries); err != nil {
		return out, err
	}
	out.Articles, out.Courts, out.Cities, out.Parties = f.Articles, f.Courts, f.Cities, f.Parties
	out.RestrictionKinds, out.SentenceKinds = each[string](f.RestrictionKinds), each[string](f.SentenceKinds)
	var err error
	if out.From, err = optionalDate("filter.from", f.From); err != nil {
		return out, err
	}
	out.To, err = optionalDate("filter.to", f.To)
	out.Unpunished = f.Unpunished
	out.Countries, out.Categories = f.Countries, each[string](f.Categories)
	out.InForce = f.SentenceInForce != nil && *f.SentenceInForce
	return out, err
}

// checkCountries refuses a country that no conviction in the graph is
// from, naming those that are. Countries are free text (ISO 3166-1
// alpha-2 codes), not an enum, so without this a typo or a lower-case
// code would match nothing and answer as if there were no convictions.
// The counts by country are a kept answer, so the check is usually free.
func (r *Resolver) checkCountries(ctx context.Context, countries []string) error {
	if len(countries) == 0 {
		return nil
	}
	rows, err := r.Patterns.Counts(ctx, kg.ByCountry, kg.ConvictionFilter{})
	if err != nil {
		return err
	}
	known := make([]string, len(rows))
	for i, g := range rows {
		known[i] = g.Key
	}
	if len(known) == 0 {
		return nil // no convictions at all: every filter answers none
	}
	slices.Sort(known)
	for _, c := range countries {
		if !slices.Contains(known, c) {
			return kg.Errorf(kg.Invalid, "filter.countries: %q is not the country of any conviction in the graph; those are %s", c, strings.Join(known, ", "))
		}
	}
	return nil
}

func monthRange(s kg.Span) *model.MonthRange {
	return &model.MonthRange{Least: s.Least, Most: months(s.Most), Exact: s.Least == s.Most}
}

// exactMonths is a span's length when the dates make it exact, else nil.
func exactMonths(s kg.Span) *int {
	if s.Least != s.Most {
		return nil
	}
	return &s.Least
}

func months(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

func (r *Resolver) search(ctx context.Context, query string, types []model.EntityType, first *int) ([]*model.SearchHit, error) {
	n := intOr(first, 10)
	if n < 0 || n > MaxPageSize {
		return nil, kg.Errorf(kg.Invalid, "first must be between 0 and %d, got %d", MaxPageSize, n)
	}
	sel, err := selectionAt(ctx, "entity")
	if err != nil {
		return nil, err
	}
	hits, err := r.Searcher.Search(ctx, kg.SearchQuery{Text: query, Types: entityTypes(types), First: n, Selection: sel})
	if err != nil {
		return nil, err
	}
	es := map[string]model.Entity{}
	var rest []string
	for _, h := range hits {
		if h.Entity == nil {
			rest = append(rest, h.ID)
			continue
		}
		if es[h.ID], err = decodeEntity(h.Entity); err != nil {
			return nil, err
		}
	}
	if len(rest) > 0 {
		fetched, err := r.fetchAt(ctx, rest, "entity")
		if err != nil {
			return nil, err
		}
		maps.Copy(es, fetched)
	}
	out := make([]*model.SearchHit, 0, len(hits))
	for _, h := range hits {
		e := es[h.ID]
		if e == nil {
			e = placeholder(h.ID, h.Type, h.Name)
		}
		out = append(out, &model.SearchHit{Entity: e, Matched: h.Matched, Score: h.Score})
	}
	return out, nil
}

// placeholder stands in for an entity whose fields the client did not
// select (only __typename, say), so the non-null field still answers.
func placeholder(id string, t kg.EntityType, name string) model.Entity {
	e, err := decodeEntity(map[string]any{"__typename": string(t), "id": id, "name": name})
	if err != nil {
		return &model.Source{ID: id, Name: name}
	}
	return e
}

func (r *Resolver) convictions(ctx context.Context, filter *model.ConvictionFilter, first *int, after *string) (*model.ConvictionConnection, error) {
	n, offset, err := page(first, after)
	if err != nil {
		return nil, err
	}
	f, err := r.convictionFilter(ctx, filter)
	if err != nil {
		return nil, err
	}
	rows, total, err := r.Patterns.Convictions(ctx, f, n, offset)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, c := range rows {
		for field, id := range map[string]string{"case": c.Case, "charge": c.Charge, "article": c.Article, "sentence": c.Sentence, "court": c.Court, "sentenceInForce": c.InForce} {
			ids[field] = append(ids[field], id)
		}
		if c.People > 1 || strings.HasPrefix(c.Person, kg.Group.Prefix()+"/") {
			ids["group"] = append(ids["group"], c.Person)
		} else {
			ids["person"] = append(ids["person"], c.Person)
		}
		ids["restrictions"] = append(ids["restrictions"], c.Restrictions...)
		for _, ch := range c.Changes {
			ids["changes.sentence"] = append(ids["changes.sentence"], ch.Sentence)
			ids["changes.court"] = append(ids["changes.court"], ch.Court)
			ids["changes.proceeding"] = append(ids["changes.proceeding"], ch.Proceeding)
		}
	}
	es, err := r.entitiesOf(ctx, []string{"edges", "node"}, ids)
	if err != nil {
		return nil, err
	}
	conn := &model.ConvictionConnection{TotalCount: total, PageInfo: pageInfo(offset, len(rows), total), Edges: make([]*model.ConvictionEdge, len(rows))}
	for i, c := range rows {
		node := &model.Conviction{
			Person: as[model.Person](es["person"], c.Person), Case: as[model.Case](es["case"], c.Case),
			Charge: as[model.Charge](es["charge"], c.Charge), Article: as[model.LegalArticle](es["article"], c.Article),
			Group: as[model.Group](es["group"], c.Person), People: c.People,
			Sentence: as[model.Sentence](es["sentence"], c.Sentence), Court: as[model.Court](es["court"], c.Court),
			SentenceInForce: as[model.Sentence](es["sentenceInForce"], c.InForce),
			Date:            fuzzy(c.Date), TermMonths: months(c.TermMonths), Restrictions: []*model.Restriction{},
			Changes: []*model.SentenceChange{},
		}
		for _, ch := range c.Changes {
			mc := &model.SentenceChange{
				Sentence: as[model.Sentence](es["changes.sentence"], ch.Sentence), Court: as[model.Court](es["changes.court"], ch.Court),
				Proceeding: as[model.Proceeding](es["changes.proceeding"], ch.Proceeding), Date: fuzzy(ch.Date),
			}
			if ch.Change != "" {
				mc.Change = ptr(model.Vocab(ch.Change))
			}
			fillRequired(&mc.Sentence, ch.Sentence, kg.Sentence)
			node.Changes = append(node.Changes, mc)
		}
		for _, id := range c.Restrictions {
			x := as[model.Restriction](es["restrictions"], id)
			fillRequired(&x, id, kg.Restriction)
			node.Restrictions = append(node.Restrictions, x)
		}
		if c.SentenceKind != "" {
			node.SentenceKind = ptr(model.Vocab(c.SentenceKind))
		}
		if node.Group == nil && !strings.HasPrefix(c.Person, kg.Group.Prefix()+"/") {
			fillRequired(&node.Person, c.Person, kg.Person)
		}
		fillRequired(&node.Case, c.Case, kg.Case)
		fillRequired(&node.Charge, c.Charge, kg.Charge)
		conn.Edges[i] = &model.ConvictionEdge{Cursor: cursor(offset + i), Node: node}
	}
	return conn, nil
}

// fillRequired gives a non-null entity field a placeholder when the client
// did not select it (it is then never shown).
func fillRequired[T any](dst **T, id string, t kg.EntityType) {
	if *dst == nil {
		if p, ok := any(placeholder(id, t, "")).(*T); ok {
			*dst = p
		}
	}
}

func (r *Resolver) counts(ctx context.Context, by model.CountDimension, filter *model.ConvictionFilter) ([]*model.GroupCount, error) {
	f, err := r.convictionFilter(ctx, filter)
	if err != nil {
		return nil, err
	}
	rows, err := r.Patterns.Counts(ctx, kg.CountDimension(by), f)
	if err != nil {
		return nil, err
	}
	out := make([]*model.GroupCount, len(rows))
	for i, g := range rows {
		key := g.Key
		if vocabCounts[by] {
			key = model.EnumValue(key)
		}
		out[i] = &model.GroupCount{Key: key, Label: g.Label, Count: g.People(), Named: g.Named, Unnamed: g.Unnamed}
	}
	return out, nil
}

// vocabCounts are the dimensions whose keys are vocabulary values: they
// are given as the enum values a ConvictionFilter takes, so a count's key
// can be passed back as a filter.
var vocabCounts = map[model.CountDimension]bool{
	model.CountDimensionRestrictionKind: true, model.CountDimensionSentenceKind: true, model.CountDimensionCategory: true,
}

func (r *Resolver) chargeChanges(ctx context.Context) ([]*model.ChargeChange, error) {
	rows, err := r.Patterns.ChargeChanges(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, c := range rows {
		for field, id := range map[string]string{"case": c.Case, "person": c.Person, "original": c.Original, "reclassified": c.Reclassified, "final": c.Final} {
			ids[field] = append(ids[field], id)
		}
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ChargeChange, len(rows))
	for i, c := range rows {
		m := &model.ChargeChange{
			Case: as[model.Case](es["case"], c.Case), Person: as[model.Person](es["person"], c.Person),
			Original: as[model.Charge](es["original"], c.Original), Reclassified: as[model.Charge](es["reclassified"], c.Reclassified),
			Final: as[model.Charge](es["final"], c.Final), ReclassifiedOn: fuzzy(c.ReclassifiedOn), ReinitiatedOn: fuzzy(c.ReinitiatedOn),
		}
		if c.Dated {
			m.Months, m.MonthsBetween = monthRange(c.Months), exactMonths(c.Months)
		}
		fillRequired(&m.Case, c.Case, kg.Case)
		fillRequired(&m.Original, c.Original, kg.Charge)
		fillRequired(&m.Reclassified, c.Reclassified, kg.Charge)
		fillRequired(&m.Final, c.Final, kg.Charge)
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) commonGround(ctx context.Context, a, b string) (*model.CommonGround, error) {
	cg, err := r.Patterns.CommonGround(ctx, a, b)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{"a": {cg.A}, "b": {cg.B}}
	for _, s := range cg.Shared {
		if kg.ValidID(s.ID) {
			ids["shared.entity"] = append(ids["shared.entity"], s.ID)
		}
	}
	ends, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	shared := ends["shared.entity"]
	out := &model.CommonGround{A: ends["a"][cg.A], B: ends["b"][cg.B], Shared: make([]*model.SharedFeature, len(cg.Shared))}
	if out.A == nil {
		out.A = placeholder(cg.A, typeOf(cg.A), "")
	}
	if out.B == nil {
		out.B = placeholder(cg.B, typeOf(cg.B), "")
	}
	for i, s := range cg.Shared {
		reasons := s.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		key := s.ID
		if !kg.ValidID(s.ID) {
			key = model.EnumValue(key) // a kind of restriction or an offence category
		}
		out.Shared[i] = &model.SharedFeature{Kind: model.Vocab(s.Kind), Entity: shared[s.ID], Key: key, Label: s.Label, Reasons: reasons}
	}
	return out, nil
}

func typeOf(id string) kg.EntityType {
	t, _ := kg.TypeOfID(id)
	return t
}

func (r *Resolver) similarCases(ctx context.Context, to string, first *int) ([]*model.SimilarCase, error) {
	rows, err := r.Patterns.SimilarCases(ctx, to, intOr(first, 5))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i, c := range rows {
		ids[i] = c.Case
	}
	es, err := r.fetchAt(ctx, ids, "case")
	if err != nil {
		return nil, err
	}
	out := make([]*model.SimilarCase, len(rows))
	for i, c := range rows {
		m := &model.SimilarCase{Case: as[model.Case](es, c.Case), Score: c.Score, Reasons: c.Reasons}
		fillRequired(&m.Case, c.Case, kg.Case)
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) arrestsAfterProtests(ctx context.Context, withinMonths *int) ([]*model.ArrestAfterProtest, error) {
	rows, err := r.Patterns.ArrestsAfterProtests(ctx, intOr(withinMonths, 6))
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, a := range rows {
		for field, id := range map[string]string{"person": a.Person, "party": a.Party, "protest": a.Protest, "arrest": a.Arrest} {
			ids[field] = append(ids[field], id)
		}
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ArrestAfterProtest, len(rows))
	for i, a := range rows {
		m := &model.ArrestAfterProtest{
			Person: as[model.Person](es["person"], a.Person), Party: as[model.Party](es["party"], a.Party),
			Relation: model.RelationType(a.Relation), Protest: as[model.Event](es["protest"], a.Protest), Via: each[model.Vocab](a.Via),
			Arrest: as[model.Event](es["arrest"], a.Arrest), MonthsBetween: exactMonths(a.Months), Months: monthRange(a.Months),
		}
		if a.Role != "" {
			m.Role = &a.Role
		}
		fillRequired(&m.Person, a.Person, kg.Person)
		fillRequired(&m.Party, a.Party, kg.Party)
		fillRequired(&m.Protest, a.Protest, kg.Event)
		fillRequired(&m.Arrest, a.Arrest, kg.Event)
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) pretrialDetention(ctx context.Context) ([]*model.PretrialRecord, error) {
	rows, err := r.Patterns.PretrialDetention(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	var restrictions []string
	for _, p := range rows {
		ids["person"] = append(ids["person"], p.Person)
		ids["case"] = append(ids["case"], p.Case)
		ids["sentence"] = append(ids["sentence"], p.Sentence)
		for _, per := range p.Periods {
			restrictions = append(restrictions, per.Restriction)
		}
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	rs, err := r.fetchAt(ctx, restrictions, "periods", "restriction")
	if err != nil {
		return nil, err
	}
	out := make([]*model.PretrialRecord, len(rows))
	for i, p := range rows {
		m := &model.PretrialRecord{
			Person: as[model.Person](es["person"], p.Person), Case: as[model.Case](es["case"], p.Case),
			TotalMonths: p.Total.Least, Total: monthRange(p.Total), Open: p.Open, Sentence: as[model.Sentence](es["sentence"], p.Sentence),
			VerdictDate: fuzzy(p.VerdictDate), Periods: make([]*model.CustodyPeriod, len(p.Periods)),
		}
		fillRequired(&m.Person, p.Person, kg.Person)
		fillRequired(&m.Case, p.Case, kg.Case)
		for j, per := range p.Periods {
			cp := &model.CustodyPeriod{Restriction: as[model.Restriction](rs, per.Restriction), Kind: model.Vocab(per.Kind), Start: fuzzy(per.Start), End: fuzzy(per.End), Months: exactMonths(per.Months), MonthRange: monthRange(per.Months)}
			fillRequired(&cp.Restriction, per.Restriction, kg.Restriction)
			m.Periods[j] = cp
		}
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) assessedCases(ctx context.Context, minOrganisations *int) ([]*model.AssessedCase, error) {
	rows, err := r.Patterns.AssessedCases(ctx, intOr(minOrganisations, 2))
	if err != nil {
		return nil, err
	}
	var cases, orgs, assessors, sources []string
	for _, c := range rows {
		cases = append(cases, c.Case)
		orgs = append(orgs, c.Organisations...)
		for _, a := range c.Assessments {
			assessors = append(assessors, a.Organisation)
			sources = append(sources, a.Sources...)
		}
	}
	es, err := r.entitiesOf(ctx, nil, map[string][]string{
		"case": cases, "organisations": orgs, "assessments.organisation": assessors, "assessments.sources": sources,
	})
	if err != nil {
		return nil, err
	}
	cs, os, as2, ss := es["case"], es["organisations"], es["assessments.organisation"], es["assessments.sources"]
	out := make([]*model.AssessedCase, len(rows))
	for i, c := range rows {
		m := &model.AssessedCase{Case: as[model.Case](cs, c.Case), Contested: c.Contested, Organisations: []*model.Organisation{}, Assessments: []*model.Assessment{}}
		if m.Contested == nil {
			m.Contested = []string{}
		}
		fillRequired(&m.Case, c.Case, kg.Case)
		for _, o := range c.Organisations {
			org := as[model.Organisation](os, o)
			fillRequired(&org, o, kg.Organisation)
			m.Organisations = append(m.Organisations, org)
		}
		for _, a := range c.Assessments {
			ma := &model.Assessment{Organisation: as[model.Organisation](as2, a.Organisation), Assessment: model.Vocab(a.Assessment), Sources: sourceList(ss, a.Sources)}
			fillRequired(&ma.Organisation, a.Organisation, kg.Organisation)
			if a.Note != "" {
				ma.Note = &a.Note
			}
			m.Assessments = append(m.Assessments, ma)
		}
		out[i] = m
	}
	return out, nil
}

func sourceList(es map[string]model.Entity, ids []string) []*model.Source {
	out := make([]*model.Source, 0, len(ids))
	for _, id := range ids {
		s := as[model.Source](es, id)
		fillRequired(&s, id, kg.Source)
		out = append(out, s)
	}
	return out
}

func (r *Resolver) articlePairs(ctx context.Context) ([]*model.ArticlePair, error) {
	rows, err := r.Patterns.ArticlePairs(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, p := range rows {
		ids["a"] = append(ids["a"], p.A)
		ids["b"] = append(ids["b"], p.B)
		ids["cases"] = append(ids["cases"], p.Cases...)
		ids["persons"] = append(ids["persons"], p.Persons...)
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ArticlePair, len(rows))
	for i, p := range rows {
		m := &model.ArticlePair{A: as[model.LegalArticle](es["a"], p.A), B: as[model.LegalArticle](es["b"], p.B), Count: p.Count, Cases: []*model.Case{}, Persons: []*model.Person{}}
		fillRequired(&m.A, p.A, kg.LegalArticle)
		fillRequired(&m.B, p.B, kg.LegalArticle)
		for _, c := range p.Cases {
			x := as[model.Case](es["cases"], c)
			fillRequired(&x, c, kg.Case)
			m.Cases = append(m.Cases, x)
		}
		for _, id := range p.Persons {
			x := as[model.Person](es["persons"], id)
			fillRequired(&x, id, kg.Person)
			m.Persons = append(m.Persons, x)
		}
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) contestedClaims(ctx context.Context) ([]*model.ContestedClaim, error) {
	rows, err := r.Patterns.ContestedClaims(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, c := range rows {
		ids["about"] = append(ids["about"], c.About)
		ids["other"] = append(ids["other"], c.Other)
		ids["sources"] = append(ids["sources"], c.Sources...)
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ContestedClaim, len(rows))
	for i, c := range rows {
		m := &model.ContestedClaim{Target: c.ID, Type: c.Type, About: es["about"][c.About], Other: es["other"][c.Other], Sources: sourceList(es["sources"], c.Sources)}
		if c.Note != "" {
			m.Note = &c.Note
		}
		out[i] = m
	}
	return out, nil
}

func (r *Resolver) laterChargedAssociates(ctx context.Context) ([]*model.LaterChargedAssociate, error) {
	rows, err := r.Patterns.LaterChargedAssociates(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string][]string{}
	for _, a := range rows {
		for field, id := range map[string]string{"convicted": a.Convicted, "associate": a.Associate, "via": a.Via, "article": a.Article} {
			ids[field] = append(ids[field], id)
		}
	}
	es, err := r.entitiesOf(ctx, nil, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.LaterChargedAssociate, len(rows))
	for i, a := range rows {
		m := &model.LaterChargedAssociate{
			Convicted: as[model.Person](es["convicted"], a.Convicted), Associate: as[model.Person](es["associate"], a.Associate),
			Via: es["via"][a.Via], Article: as[model.LegalArticle](es["article"], a.Article),
			ConvictedOn: fuzzy(a.ConvictedOn), ChargedOn: fuzzy(a.ChargedOn),
		}
		if m.Via == nil {
			m.Via = placeholder(a.Via, typeOf(a.Via), "")
		}
		fillRequired(&m.Convicted, a.Convicted, kg.Person)
		fillRequired(&m.Associate, a.Associate, kg.Person)
		fillRequired(&m.Article, a.Article, kg.LegalArticle)
		out[i] = m
	}
	return out, nil
}
