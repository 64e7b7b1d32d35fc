package types

// Dynamic values (Value.D for Type Dynamic, and batch Column.Dyns) are held
// as plain Go values, one of:
//
//	nil      JSON null
//	bool     true / false
//	int64    a whole JSON number that fits in 64 bits
//	float64  any other JSON number
//	string   a JSON string
//	[]any    an array of dynamic values
//	*Bag     a property bag (object) with its keys in order
//	Value    a typed scalar of type DateTime, TimeSpan, Guid or Decimal held
//	         inside a dynamic (e.g. from pack("t", now()))
//
// Packages that build dynamic values from JSON use ParseDynamic.

// Bag is a property bag: an object whose keys keep their insertion order.
type Bag struct {
	Keys []string
	Vals []any
}

// Get returns the value stored under key, and whether it is present.
func (b *Bag) Get(key string) (any, bool) {
	for i, k := range b.Keys {
		if k == key {
			return b.Vals[i], true
		}
	}
	return nil, false
}

// Set stores val under key: replacing the value in place when the key is
// present, appending it otherwise.
func (b *Bag) Set(key string, val any) {
	for i, k := range b.Keys {
		if k == key {
			b.Vals[i] = val
			return
		}
	}
	b.Keys = append(b.Keys, key)
	b.Vals = append(b.Vals, val)
}

// Len returns the number of properties.
func (b *Bag) Len() int {
	if b == nil {
		return 0
	}
	return len(b.Keys)
}
