package syntax

import (
	"reflect"
	"testing"
)

var posType = reflect.TypeOf(Pos(0))

// clearPositions sets every Pos field reachable from v to zero, so that
// trees parsed from different texts can be compared structurally.
func clearPositions(v any) {
	clearValue(reflect.ValueOf(v), map[uintptr]bool{})
}

func clearValue(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		clearValue(v.Elem(), seen)
	case reflect.Interface:
		if !v.IsNil() {
			clearValue(v.Elem(), seen)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Type() == posType {
				if f.CanSet() {
					f.SetInt(0)
				}
				continue
			}
			clearValue(f, seen)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			clearValue(v.Index(i), seen)
		}
	}
}

// sameTree reports whether a and b are equal ignoring positions. Both are
// modified (their positions cleared).
func sameTree(a, b any) bool {
	clearPositions(a)
	clearPositions(b)
	return reflect.DeepEqual(a, b)
}

func TestClearPositions(t *testing.T) {
	a, err := ParseExpr("x + 1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseExpr("x   +   1")
	if err != nil {
		t.Fatal(err)
	}
	if !sameTree(a, b) {
		t.Error("trees differing only in spacing compare unequal")
	}
	c, _ := ParseExpr("x + 2")
	if sameTree(a, c) {
		t.Error("different trees compare equal")
	}
}
