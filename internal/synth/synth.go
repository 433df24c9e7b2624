// Package synth generates synthetic case files for benchmarks: a graph
// shaped like the real one (several people per case, defendants shared
// across cases, courts and articles of skewed popularity, events,
// restrictions, sources and citations) at any size. Everything it writes is
// marked synthetic: IDs carry "syn-", and every description, note or source
// title says so, so synthetic data is never mistaken for documented cases.
// It imports only the standard library.
package synth

import (
	"fmt"
	"math/rand"
	"strings"
)

// Prefix starts the slug of every synthetic ID, as in person/syn-…, but
// for the code and its articles, whose IDs must start with their country:
// they follow the user-assigned code XX (legal-code/xx-syn-cc).
const Prefix = "syn-"

// Marker is part of every synthetic entity's description or note.
const Marker = "Synthetic benchmark data"

// File is one generated case file.
type File struct {
	Name string
	Src  []byte
}

// sizes of the shared pools, from the number of cases.
type sizes struct {
	regions, cities, articles, courts, lawyers, orgs, parties, protests int
}

func poolSizes(cases int) sizes {
	return sizes{
		regions:  10,
		cities:   50,
		articles: 200,
		courts:   20 + cases/50,
		lawyers:  20 + cases/20,
		orgs:     30,
		parties:  15,
		protests: 20 + cases/100,
	}
}

// Generate returns the case files of a synthetic graph of n cases: one
// file of shared entities first, then one file per case, in import order.
// The same n and seed give the same files.
func Generate(n int, seed int64) []File {
	g := newGen(n, seed)
	files := []File{{Name: "syn-common.yaml", Src: g.common()}}
	for i := 1; i <= n; i++ {
		files = append(files, File{Name: fmt.Sprintf("syn-case-%06d.yaml", i), Src: g.caseFile(i)})
	}
	return files
}

type gen struct {
	r    *rand.Rand
	sz   sizes
	zArt *rand.Zipf // popularity of articles
	zCrt *rand.Zipf // of courts
	zLaw *rand.Zipf // of lawyers
	zOrg *rand.Zipf
	zPro *rand.Zipf // of protests
	// defendants of earlier cases, some of whom are charged again.
	defendants  []string
	isDefendant map[string]bool // the same, for lookups in constant time
	// stated holds the relations of people across cases, each stated once.
	stated map[string]bool
}

func newGen(n int, seed int64) *gen {
	r := rand.New(rand.NewSource(seed))
	sz := poolSizes(n)
	zipf := func(k int) *rand.Zipf { return rand.NewZipf(r, 1.2, 1, uint64(k-1)) }
	return &gen{r: r, sz: sz, zArt: zipf(sz.articles), zCrt: zipf(sz.courts), zLaw: zipf(sz.lawyers),
		zOrg: zipf(sz.orgs), zPro: zipf(sz.protests), stated: map[string]bool{}, isDefendant: map[string]bool{}}
}

var (
	firstNames = []string{"Aidar", "Aigerim", "Asel", "Berik", "Dana", "Daniyar", "Erlan", "Gulnara", "Kairat", "Madina", "Marat", "Nurlan", "Saule", "Timur", "Zhanar", "Yerlan", "Ainur", "Bolat", "Dinara", "Serik"}
	lastNames  = []string{"Abenov", "Bekov", "Dzhaksybekov", "Ermekov", "Ibraev", "Kassymov", "Mukanov", "Nurpeisov", "Omarov", "Sadykov", "Tokayev", "Utemisov", "Zhakupov", "Aliev", "Baimukhanov", "Kenzhebaev", "Sarsenov", "Tulegenov", "Yessimov", "Zhunusov"}
	banKinds   = []string{"political-activity-ban", "civic-activity-ban", "social-media-ban", "public-office-ban", "travel-ban"}
	orgKinds   = []string{"ngo", "media", "international-ngo", "prosecutor", "law-enforcement"}
	subjects   = []string{"dissemination of false information", "organising mass riots", "calls to seize power", "inciting discord", "insulting an official", "unlawful assembly", "extremism", "extortion", "fraud", "participation in a banned group"}
)

func (g *gen) personName() string { return PersonName(g.r) }

// PersonName returns a name of the kind synthetic people have, for
// queries that search for them.
func PersonName(r *rand.Rand) string {
	return firstNames[r.Intn(len(firstNames))] + " " + lastNames[r.Intn(len(lastNames))]
}

func (g *gen) date(year int) string {
	return fmt.Sprintf("%d-%02d-%02d", year, 1+g.r.Intn(12), 1+g.r.Intn(28))
}

// w writes YAML; every string is double-quoted, which YAML reads as Go
// writes it for the ASCII text used here.
type w struct{ strings.Builder }

func (b *w) line(indent int, format string, args ...any) {
	b.WriteString(strings.Repeat("  ", indent))
	fmt.Fprintf(b, format, args...)
	b.WriteByte('\n')
}

func (b *w) head() {
	b.WriteString("# " + Marker + ": not real people, cases or sources.\nversion: 1\n")
}

// entity writes the common fields of an entity; cite lists its citations.
func (b *w) entity(id, typ, name string, cite []string, fields ...string) {
	b.line(1, "- id: %s", id)
	b.line(2, "type: %s", typ)
	b.line(2, "name: %q", name)
	b.line(2, "description: %q", Marker+": "+strings.ToLower(typ[:1])+typ[1:]+" "+name+".")
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] != "" {
			b.line(2, "%s: %s", fields[i], fields[i+1])
		}
	}
	b.line(2, "cite: [%s]", strings.Join(cite, ", "))
}

func q(s string) string { return fmt.Sprintf("%q", s) }

// common holds the entities cases share: places, the code and its
// articles, courts, lawyers, judges, organisations, parties, protests, and
// the monitoring reports that cite them.
func (g *gen) common() []byte {
	var b w
	b.head()
	const report = "source/syn-monitoring"
	b.WriteString("sources:\n")
	b.line(1, "- id: %s", report)
	b.line(2, "title: %q", Marker+": monitoring report on prosecutions")
	b.line(2, "publisher: %q", "Synthetic monitor")
	b.line(2, "publishedBy: organisation/syn-org-0")
	b.line(2, "note: %q", Marker+".")
	cite := func() []string { return []string{fmt.Sprintf("%s#p%d", report, 1+g.r.Intn(40))} }
	b.WriteString("entities:\n")
	b.entity("place/syn-country", "Place", "Synthetic Republic", cite(), "kind", "country")
	for i := 0; i < g.sz.regions; i++ {
		b.entity(fmt.Sprintf("place/syn-region-%d", i), "Place", fmt.Sprintf("Synthetic Region %d", i), cite(), "kind", "region", "within", "place/syn-country")
	}
	for i := 0; i < g.sz.cities; i++ {
		b.entity(fmt.Sprintf("place/syn-city-%d", i), "Place", fmt.Sprintf("Synthetic City %d", i), cite(), "kind", "city", "within", fmt.Sprintf("place/syn-region-%d", i%g.sz.regions))
	}
	b.entity("legal-code/xx-syn-cc", "LegalCode", "Synthetic Criminal Code", cite(), "jurisdiction", "XX")
	for i := 0; i < g.sz.articles; i++ {
		b.entity(fmt.Sprintf("legal-article/xx-syn-cc-%d", 100+i), "LegalArticle", fmt.Sprintf("Synthetic Criminal Code, article %d", 100+i), cite(),
			"code", "legal-code/xx-syn-cc", "article", q(fmt.Sprint(100+i)), "title", q(subjects[i%len(subjects)]))
	}
	levels := []string{"district", "city", "regional", "appeal", "specialised"}
	for i := 0; i < g.sz.courts; i++ {
		b.entity(fmt.Sprintf("court/syn-court-%d", i), "Court", fmt.Sprintf("Synthetic %s court no. %d", levels[i%len(levels)], i), cite(),
			"level", levels[i%len(levels)], "place", fmt.Sprintf("place/syn-city-%d", i%g.sz.cities))
		for j := 0; j < 2; j++ {
			b.entity(fmt.Sprintf("person/syn-judge-%d-%d", i, j), "Person", "Judge "+g.personName(), cite(), "occupations", "[judge]")
		}
	}
	for i := 0; i < g.sz.lawyers; i++ {
		b.entity(fmt.Sprintf("person/syn-lawyer-%d", i), "Person", "Advocate "+g.personName(), cite(), "occupations", "[lawyer]")
	}
	for i := 0; i < g.sz.orgs; i++ {
		b.entity(fmt.Sprintf("organisation/syn-org-%d", i), "Organisation", fmt.Sprintf("Synthetic Organisation %d", i), cite(),
			"kind", orgKinds[i%len(orgKinds)], "place", fmt.Sprintf("place/syn-city-%d", i%g.sz.cities))
	}
	statuses := []string{"registered", "unregistered", "banned"}
	for i := 0; i < g.sz.parties; i++ {
		b.entity(fmt.Sprintf("party/syn-party-%d", i), "Party", fmt.Sprintf("Synthetic Party %d", i), cite(),
			"registrationStatus", statuses[i%len(statuses)], "place", "place/syn-country")
	}
	for i := 0; i < g.sz.protests; i++ {
		b.entity(fmt.Sprintf("event/syn-protest-%d", i), "Event", fmt.Sprintf("Synthetic protest %d", i), cite(),
			"kind", "protest", "date", q(g.date(2015+g.r.Intn(9))), "place", fmt.Sprintf("place/syn-city-%d", g.r.Intn(g.sz.cities)))
	}
	return []byte(b.String())
}

// caseFile writes case i: its sources, defendants (new or charged before),
// relatives, charges, sentences, restrictions and events, and the lawyer,
// judge, court and organisations it shares with other cases.
func (g *gen) caseFile(i int) []byte {
	var b w
	b.head()
	c := fmt.Sprintf("syn-%06d", i)
	caseID := "case/" + c
	srcs := []string{"source/" + c + "-a", "source/" + c + "-b"}
	b.WriteString("sources:\n")
	for k, s := range srcs {
		b.line(1, "- id: %s", s)
		b.line(2, "title: %q", fmt.Sprintf("%s: report %d on case %d", Marker, k+1, i))
		b.line(2, "publisher: %q", "Synthetic publisher")
		b.line(2, "publishedBy: organisation/syn-org-%d", g.zOrg.Uint64())
		b.line(2, "note: %q", Marker+".")
	}
	cite := func() []string {
		out := []string{fmt.Sprintf("%s#p%d", srcs[0], 1+g.r.Intn(12))}
		if g.r.Intn(3) == 0 {
			out = append(out, fmt.Sprintf("%s#p%d", srcs[1], 1+g.r.Intn(12)))
		}
		return out
	}
	year := 2016 + g.r.Intn(8)
	city := fmt.Sprintf("place/syn-city-%d", g.r.Intn(g.sz.cities))
	court := g.zCrt.Uint64()
	courtID := fmt.Sprintf("court/syn-court-%d", court)

	b.WriteString("entities:\n")
	b.entity(caseID, "Case", fmt.Sprintf("Synthetic case %d", i), cite(), "kind", "criminal", "opened", q(fmt.Sprintf("%d-%02d", year, 1+g.r.Intn(12))), "place", city)

	// Defendants: one to three; one in ten was a defendant before.
	var defendants []string
	for k, nd := 0, 1+g.r.Intn(3); k < nd; k++ {
		if len(g.defendants) > 0 && g.r.Intn(10) == 0 {
			d := g.defendants[g.r.Intn(len(g.defendants))]
			if !contains(defendants, d) {
				defendants = append(defendants, d)
			}
			continue
		}
		id := fmt.Sprintf("person/syn-%06d-%d", i, k)
		name := g.personName()
		b.entity(id, "Person", name, cite(), "occupations", "[activist]", "aliases", fmt.Sprintf("[%q]", strings.ToLower(name)))
		defendants = append(defendants, id)
	}
	rel := fmt.Sprintf("person/syn-%06d-rel", i)
	b.entity(rel, "Person", g.personName(), cite())

	arrest := "event/" + c + "-arrest"
	verdictEv := "event/" + c + "-verdict"
	b.entity(arrest, "Event", fmt.Sprintf("Arrest in synthetic case %d", i), cite(), "kind", "arrest", "date", q(g.date(year)), "place", city)
	b.entity(verdictEv, "Event", fmt.Sprintf("Verdict in synthetic case %d", i), cite(), "kind", "verdict", "date", q(g.date(year+1)), "place", city)

	type relation struct{ typ, from, to, extra string }
	rels := []relation{
		{"HEARD_BY", caseID, courtID, "role: first-instance"},
		{"JUDGE_IN", fmt.Sprintf("person/syn-judge-%d-%d", court, g.r.Intn(2)), caseID, ""},
		{"LAWYER_IN", fmt.Sprintf("person/syn-lawyer-%d", g.zLaw.Uint64()), caseID, ""},
		{"CONCERNS", caseID, arrest, ""},
		{"CONCERNS", caseID, verdictEv, ""},
		{"RELATIVE_OF", rel, defendants[0], "role: spouse"},
		{"ASSESSED", fmt.Sprintf("organisation/syn-org-%d", g.zOrg.Uint64()), caseID, "assessment: politically-motivated"},
	}
	if g.r.Intn(2) == 0 {
		rels = append(rels, relation{"CONCERNS", caseID, fmt.Sprintf("event/syn-protest-%d", g.zPro.Uint64()), ""})
	}
	for k, d := range defendants {
		rels = append(rels, relation{"DEFENDANT_IN", d, caseID, ""})
		if g.r.Intn(3) == 0 {
			rels = append(rels, relation{"MEMBER_OF", d, fmt.Sprintf("party/syn-party-%d", g.r.Intn(g.sz.parties)), ""})
		}
		if g.r.Intn(2) == 0 {
			rels = append(rels, relation{"PARTICIPATED_IN", d, fmt.Sprintf("event/syn-protest-%d", g.zPro.Uint64()), "role: participant"})
		}
		g.charges(&b, c, caseID, courtID, d, k, year, cite)
	}
	for _, d := range defendants {
		if !g.isDefendant[d] {
			g.isDefendant[d] = true
			g.defendants = append(g.defendants, d)
		}
	}

	b.WriteString("relations:\n")
	for _, r := range rels {
		key := r.typ + " " + r.from + " " + r.to
		if g.stated[key] {
			continue
		}
		g.stated[key] = true
		b.line(1, "- type: %s", r.typ)
		b.line(2, "from: %s", r.from)
		b.line(2, "to: %s", r.to)
		if r.extra != "" {
			b.line(2, "%s", r.extra)
		}
		b.line(2, "cite: [%s]", strings.Join(cite(), ", "))
	}
	return []byte(b.String())
}

// charges writes defendant d's charges in the case, with a sentence and
// restrictions when convicted and a detention before trial.
func (g *gen) charges(b *w, c, caseID, courtID, d string, k, year int, cite func() []string) {
	prefix := fmt.Sprintf("%s-%d", c, k)
	var convicted []string
	var prev string
	for j, nc := 0, 1+g.r.Intn(3); j < nc; j++ {
		id := fmt.Sprintf("charge/%s-%d", prefix, j)
		art := fmt.Sprintf("legal-article/xx-syn-cc-%d", 100+g.zArt.Uint64())
		status, verdict := "convicted", "guilty"
		switch g.r.Intn(6) {
		case 0:
			status, verdict = "dropped", "none"
		case 1:
			status, verdict = "acquitted", "not-guilty"
		case 2:
			status, verdict = "pending", "pending"
		}
		fields := []string{"case", caseID, "defendant", d, "article", art, "status", status, "verdict", verdict, "date", q(g.date(year))}
		if prev != "" && g.r.Intn(4) == 0 {
			fields = append(fields, "supersedes", prev, "change", "reclassified", "changeDate", q(g.date(year)))
		}
		b.entity(id, "Charge", fmt.Sprintf("Synthetic charge %d against defendant %d in case %s", j, k, c), cite(), fields...)
		if verdict == "guilty" {
			convicted = append(convicted, id)
		}
		prev = id
	}
	b.entity(fmt.Sprintf("restriction/%s-detention", prefix), "Restriction", "Pre-trial detention, "+prefix, cite(),
		"person", d, "case", caseID, "kind", "pre-trial-detention", "basis", "preventive-measure",
		"start", q(g.date(year)), "end", q(g.date(year+1)))
	if len(convicted) == 0 {
		return
	}
	sentence := fmt.Sprintf("sentence/%s", prefix)
	kinds := []string{"custodial", "suspended", "restricted-freedom", "fine"}
	kind := kinds[g.r.Intn(len(kinds))]
	term := ""
	if kind != "fine" {
		term = fmt.Sprintf("P%dY", 1+g.r.Intn(8))
	}
	b.entity(sentence, "Sentence", "Sentence, "+prefix, cite(), "case", caseID, "person", d, "court", courtID,
		"charges", "["+strings.Join(convicted, ", ")+"]", "date", q(g.date(year+1)), "kind", kind, "term", term)
	for j, nb := 0, g.r.Intn(3); j < nb; j++ {
		kind := banKinds[(g.r.Intn(len(banKinds))+j)%len(banKinds)]
		b.entity(fmt.Sprintf("restriction/%s-ban-%d", prefix, j), "Restriction", "Ban ("+kind+"), "+prefix, cite(),
			"person", d, "case", caseID, "sentence", sentence, "court", courtID, "kind", kind, "basis", "sentence", "duration", "sentence")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
