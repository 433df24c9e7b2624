package graph

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// The store answers with nested maps; decode turns them into the models
// gqlgen serialises. Entities carry "__typename", which picks the model.

var entityModels = map[string]reflect.Type{
	"Person":       reflect.TypeOf(model.Person{}),
	"Party":        reflect.TypeOf(model.Party{}),
	"Organisation": reflect.TypeOf(model.Organisation{}),
	"Court":        reflect.TypeOf(model.Court{}),
	"LegalCode":    reflect.TypeOf(model.LegalCode{}),
	"LegalArticle": reflect.TypeOf(model.LegalArticle{}),
	"Place":        reflect.TypeOf(model.Place{}),
	"Event":        reflect.TypeOf(model.Event{}),
	"Case":         reflect.TypeOf(model.Case{}),
	"Charge":       reflect.TypeOf(model.Charge{}),
	"Sentence":     reflect.TypeOf(model.Sentence{}),
	"Restriction":  reflect.TypeOf(model.Restriction{}),
	"Source":       reflect.TypeOf(model.Source{}),
	"Proceeding":   reflect.TypeOf(model.Proceeding{}),
	"Group":        reflect.TypeOf(model.Group{}),
}

// decodeEntity decodes one entity map; nil stays nil.
func decodeEntity(m map[string]any) (model.Entity, error) {
	if m == nil {
		return nil, nil
	}
	name, _ := m["__typename"].(string)
	t, ok := entityModels[name]
	if !ok {
		return nil, kg.Errorf(kg.Internal, "no model for entity type %q", name)
	}
	v := reflect.New(t)
	if err := decodeInto(v.Elem(), m); err != nil {
		return nil, err
	}
	return v.Interface().(model.Entity), nil
}

// decodeAs decodes an entity map into a model of a known type, such as
// *model.Person for a field typed Person.
func decodeAs[T any](m map[string]any) (*T, error) {
	if m == nil {
		return nil, nil
	}
	e, err := decodeEntity(m)
	if err != nil {
		return nil, err
	}
	t, ok := any(e).(*T)
	if !ok {
		return nil, kg.Errorf(kg.Internal, "entity %v is a %T", m["id"], e)
	}
	return t, nil
}

var entityInterface = reflect.TypeOf((*model.Entity)(nil)).Elem()

func decodeInto(dst reflect.Value, src any) error {
	if src == nil {
		if dst.Kind() == reflect.Slice {
			dst.Set(reflect.MakeSlice(dst.Type(), 0, 0)) // non-null lists answer []
		}
		return nil
	}
	switch dst.Kind() {
	case reflect.Pointer:
		v := reflect.New(dst.Type().Elem())
		if err := decodeInto(v.Elem(), src); err != nil {
			return err
		}
		dst.Set(v)
	case reflect.Interface:
		m, ok := src.(map[string]any)
		// Entity and Node fields hold entities: every entity model fits both.
		if !ok || !entityInterface.Implements(dst.Type()) {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		e, err := decodeEntity(m)
		if err != nil {
			return err
		}
		if e != nil {
			dst.Set(reflect.ValueOf(e))
		}
	case reflect.Struct:
		m, ok := src.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		for name, i := range jsonFields(dst.Type()) {
			if v, ok := m[name]; ok {
				if err := decodeInto(dst.Field(i), v); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
	case reflect.Slice:
		list, ok := src.([]any)
		if !ok {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		s := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, item := range list {
			if err := decodeInto(s.Index(i), item); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Map:
		m, ok := src.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		dst.Set(reflect.ValueOf(m).Convert(dst.Type()))
	case reflect.String:
		s, ok := src.(string)
		if !ok {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		dst.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Int32:
		switch n := src.(type) {
		case int64:
			dst.SetInt(n)
		case float64:
			dst.SetInt(int64(n))
		default:
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
	case reflect.Float64:
		switch n := src.(type) {
		case float64:
			dst.SetFloat(n)
		case int64:
			dst.SetFloat(float64(n))
		default:
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
	case reflect.Bool:
		b, ok := src.(bool)
		if !ok {
			return fmt.Errorf("cannot decode %T into %s", src, dst.Type())
		}
		dst.SetBool(b)
	default:
		return fmt.Errorf("cannot decode into %s", dst.Type())
	}
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]int

// jsonFields maps a struct's JSON names to its field indexes.
func jsonFields(t reflect.Type) map[string]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	fieldCache.Store(t, m)
	return m
}
