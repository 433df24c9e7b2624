// Package tracing makes the OpenTelemetry tracer provider that casegraph's
// spans go to: one that exports them over OTLP/HTTP when an endpoint is
// configured, and none at all otherwise. The spans themselves are made
// where their work is (internal/server, internal/neo4jstore), against the
// OpenTelemetry API only; this package is the one that knows the SDK and
// the exporter, and only cmd imports it.
package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Config says where spans go.
type Config struct {
	// Endpoint is the full URL spans are posted to, such as
	// http://collector:4318/v1/traces; "" turns tracing off.
	Endpoint string
	// ServiceName and ServiceVersion name the service in every span's
	// resource.
	ServiceName    string
	ServiceVersion string
	// SampleRatio is the share of requests whose traces are kept, from 0
	// to 1. A trace is kept or dropped whole: its root decides.
	SampleRatio float64
	// OnError hears of spans that could not be sent; OpenTelemetry
	// otherwise prints them with the standard logger, outside the
	// service's structured log.
	OnError func(error)
}

// New returns the tracer provider for c, or nil when c configures no
// endpoint: then no exporter runs, and the server and the store make no
// spans at all. Shutdown on the provider sends the spans still buffered.
func New(c Config) (*sdktrace.TracerProvider, error) {
	if c.Endpoint == "" {
		return nil, nil
	}
	if c.OnError != nil {
		otel.SetErrorHandler(otel.ErrorHandlerFunc(c.OnError))
	}
	// The other OTEL_EXPORTER_OTLP_* variables (headers, timeout,
	// compression, certificates) are read by the exporter itself.
	exporter, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(c.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter for %s: %w", c.Endpoint, err)
	}
	res := resource.NewSchemaless(
		attribute.String("service.name", c.ServiceName),
		attribute.String("service.version", c.ServiceVersion),
	)
	return sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exporter),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(c.SampleRatio))),
	), nil
}
