package neo4jstore

import (
	"reflect"
)

// deepCopy returns a copy of v that shares no slice, map or pointer with
// it, so that a kept answer and the copies given out of it are apart.
// Unexported fields are copied as they are (a time.Time's location is
// shared; nothing changes one).
func deepCopy[T any](v T) T {
	in := reflect.ValueOf(&v).Elem()
	out := reflect.New(in.Type()).Elem()
	copyValue(out, in)
	return out.Interface().(T)
}

func copyValue(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyValue(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			k := reflect.New(src.Type().Key()).Elem()
			copyValue(k, it.Key())
			e := reflect.New(src.Type().Elem()).Elem()
			copyValue(e, it.Value())
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyValue(e, src.Elem())
		dst.Set(e)
	case reflect.Struct:
		dst.Set(src) // every field, unexported ones too
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			copyValue(dst.Index(i), src.Index(i))
		}
	default:
		dst.Set(src)
	}
}

// sizeOf estimates the bytes v takes in memory: its values, the strings,
// slices and maps they hold, and what pointers reach.
func sizeOf(v any) int {
	if v == nil {
		return 0
	}
	rv := reflect.ValueOf(v)
	return int(rv.Type().Size()) + extraSize(rv)
}

// extraSize is what v holds beyond its own Type().Size().
func extraSize(v reflect.Value) int {
	switch v.Kind() {
	case reflect.String:
		return v.Len()
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return int(v.Elem().Type().Size()) + extraSize(v.Elem())
	case reflect.Slice:
		n := v.Cap() * int(v.Type().Elem().Size())
		for i := range v.Len() {
			n += extraSize(v.Index(i))
		}
		return n
	case reflect.Map:
		n := 48 // the map's header
		per := int(v.Type().Key().Size() + v.Type().Elem().Size())
		for it := v.MapRange(); it.Next(); {
			n += per + extraSize(it.Key()) + extraSize(it.Value())
		}
		return n
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n += extraSize(v.Field(i))
			}
		}
		return n
	case reflect.Array:
		n := 0
		for i := range v.Len() {
			n += extraSize(v.Index(i))
		}
		return n
	}
	return 0
}
