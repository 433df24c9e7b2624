package config

import (
	"strings"
	"testing"
)

// Traces are off unless an OTLP endpoint is configured; the endpoint
// variables are read as OpenTelemetry's own exporters read them.
func TestTraceSettings(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		endpoint string
		service  string
		ratio    float64
	}{
		{"off by default", nil, "", "casegraph", 1},
		{"base endpoint gets /v1/traces", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "http://collector:4318/v1/traces", "casegraph", 1},
		{"base endpoint with a path", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example/ingest/"}, "https://otel.example/ingest/v1/traces", "casegraph", 1},
		{"traces endpoint as it is, and first", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://jaeger:4318/custom"}, "http://jaeger:4318/custom", "casegraph", 1},
		{"service name", map[string]string{"OTEL_SERVICE_NAME": "casegraph-staging"}, "", "casegraph-staging", 1},
		{"ratio", map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}, "", "casegraph", 0.25},
		{"ratio without its argument", map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio"}, "", "casegraph", 1},
		{"always off", map[string]string{"OTEL_TRACES_SAMPLER": "always_off"}, "", "casegraph", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.TracesEndpoint != tt.endpoint || c.ServiceName != tt.service || c.TraceSampleRatio != tt.ratio {
				t.Errorf("endpoint %q, service %q, ratio %v; want %q, %q, %v", c.TracesEndpoint, c.ServiceName, c.TraceSampleRatio, tt.endpoint, tt.service, tt.ratio)
			}
		})
	}
	t.Run("flag", func(t *testing.T) {
		c, err := load(t, nil, "-otlp-endpoint", "http://127.0.0.1:4318")
		if err != nil {
			t.Fatal(err)
		}
		if c.TracesEndpoint != "http://127.0.0.1:4318/v1/traces" {
			t.Errorf("endpoint %q", c.TracesEndpoint)
		}
	})
}

func TestInvalidTraceSettingsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "grpc://collector:4317"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://user:secret@otel.example"}, "OTEL_EXPORTER_OTLP_HEADERS"},
		{map[string]string{"OTEL_SERVICE_NAME": " "}, "OTEL_SERVICE_NAME"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, "OTEL_TRACES_SAMPLER"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"}, "OTEL_TRACES_SAMPLER_ARG"},
		{map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "NaN"}, "OTEL_TRACES_SAMPLER_ARG"},
	}
	for _, tt := range tests {
		_, err := load(t, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one naming %s", tt.env, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: the error shows the password: %v", tt.env, err)
		}
	}
}
