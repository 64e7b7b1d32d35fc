package batch

import (
	"reflect"
	"testing"

	"kqlhunt/kql/types"
)

func TestTake(t *testing.T) {
	cases := []struct {
		name string
		in   *Column
		idx  []int
		want *Column
	}{
		{"ints with nulls",
			&Column{Type: types.Long, Len: 3, Ints: []int64{1, 2, 3}, Nulls: []bool{false, true, false}},
			[]int{2, 1, 2},
			&Column{Type: types.Long, Len: 3, Ints: []int64{3, 2, 3}, Nulls: []bool{false, true, false}}},
		{"dictionary strings",
			&Column{Type: types.String, Len: 3, Dict: []string{"a", "b"}, Codes: []uint32{0, 1, 1}},
			[]int{1, 0},
			&Column{Type: types.String, Len: 2, Dict: []string{"a", "b"}, Codes: []uint32{1, 0}}},
		{"plain strings",
			&Column{Type: types.Guid, Len: 2, Strs: []string{"x", "y"}},
			[]int{1},
			&Column{Type: types.Guid, Len: 1, Strs: []string{"y"}}},
		{"reals",
			&Column{Type: types.Real, Len: 2, Reals: []float64{1.5, 2.5}},
			[]int{},
			&Column{Type: types.Real, Len: 0, Reals: []float64{}}},
		{"dynamic",
			&Column{Type: types.Dynamic, Len: 2, Dyns: []any{int64(1), "s"}},
			[]int{1, 1},
			&Column{Type: types.Dynamic, Len: 2, Dyns: []any{"s", "s"}}},
		{"no payload keeps the shape",
			&Column{Type: types.DateTime, Len: 2, Nulls: []bool{true, true}},
			[]int{0},
			&Column{Type: types.DateTime, Len: 1, Nulls: []bool{true}, Ints: []int64{0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Take(tc.in, tc.idx)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Take = %+v, want %+v", got, tc.want)
			}
			idx32 := make([]int32, len(tc.idx))
			for i, x := range tc.idx {
				idx32[i] = int32(x)
			}
			if got32 := Take(tc.in, idx32); !reflect.DeepEqual(got32, tc.want) {
				t.Errorf("Take(int32) = %+v, want %+v", got32, tc.want)
			}
		})
	}
}
