package config

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The README's configuration table and the Docker files must speak of the
// same settings as the binary.

func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		row := "| `" + s.Env + "` | `-" + s.Flag + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README has no configuration row starting %q", row)
		}
	}
}

func TestDockerComposeMatchesTheBinary(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       any               `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	neo, api := compose.Services["neo4j"], compose.Services["casegraph"]
	if !strings.HasPrefix(neo.Image, "neo4j:5.26") || !strings.Contains(neo.Image, "community") {
		t.Errorf("neo4j image %q, want neo4j:5.26 community", neo.Image)
	}
	if len(neo.Healthcheck.Test) == 0 {
		t.Error("neo4j service has no health check")
	}
	if _, ok := neo.Environment["NEO4J_AUTH"]; !ok {
		t.Error("neo4j service does not take NEO4J_AUTH from the environment")
	}
	// As the bundled launcher does: see TestReadsDoNotRaceEachSocketRead.
	if v := neo.Environment["NEO4J_server_bolt_connection__keep__alive__for__requests"]; v != "STREAMING" {
		t.Errorf("neo4j keep-alive for requests is %q, want STREAMING (no receive-timeout hint)", v)
	}
	if api.Build == nil {
		t.Error("casegraph service is not built from the Dockerfile")
	}
	if api.DependsOn["neo4j"].Condition != "service_healthy" {
		t.Error("casegraph does not wait for a healthy neo4j")
	}
	known := map[string]bool{}
	for _, s := range Settings {
		known[s.Env] = true
	}
	for k := range api.Environment {
		if !known[k] {
			t.Errorf("casegraph service sets %s, which the binary does not read", k)
		}
	}
	for _, k := range []string{"NEO4J_URI", "NEO4J_PASSWORD", "CASEGRAPH_ADDR"} {
		if _, ok := api.Environment[k]; !ok {
			t.Errorf("casegraph service does not set %s", k)
		}
	}
}
