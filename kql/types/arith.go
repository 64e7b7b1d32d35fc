package types

import (
	"fmt"
	"math"
)

// ArithType returns the result type of a binary arithmetic operator ("+",
// "-", "*", "/", "%") on operands of types a and b, following Kusto's rules:
// integers (int, long) give long, any real operand gives real, any decimal
// operand gives decimal; datetime ± timespan is a datetime, datetime −
// datetime a timespan, timespan ± timespan a timespan, timespan × or ÷ a
// number a timespan, timespan ÷ timespan a real. A dynamic operand gives
// dynamic (the element is used at run time). An unknown (Null) operand gives
// Null.
func ArithType(op string, a, b Type) (Type, error) {
	if a == Null || b == Null {
		return Null, nil
	}
	if a == Dynamic || b == Dynamic {
		if a == String || b == String || a == Bool || b == Bool || a == Guid || b == Guid {
			return Null, arithErr(op, a, b)
		}
		return Dynamic, nil
	}
	if a.IsNumeric() && b.IsNumeric() {
		return numericResult(a, b), nil
	}
	switch op {
	case "+":
		switch {
		case a == DateTime && b == TimeSpan, a == TimeSpan && b == DateTime:
			return DateTime, nil
		case a == TimeSpan && b == TimeSpan:
			return TimeSpan, nil
		}
	case "-":
		switch {
		case a == DateTime && b == DateTime:
			return TimeSpan, nil
		case a == DateTime && b == TimeSpan:
			return DateTime, nil
		case a == TimeSpan && b == TimeSpan:
			return TimeSpan, nil
		}
	case "*":
		if a == TimeSpan && b.IsNumeric() || a.IsNumeric() && b == TimeSpan {
			return TimeSpan, nil
		}
	case "/":
		switch {
		case a == TimeSpan && b == TimeSpan:
			return Real, nil
		case a == TimeSpan && b.IsNumeric():
			return TimeSpan, nil
		}
	case "%":
		if a == TimeSpan && b == TimeSpan {
			return TimeSpan, nil
		}
	default:
		return Null, fmt.Errorf("unknown arithmetic operator %q", op)
	}
	return Null, arithErr(op, a, b)
}

func arithErr(op string, a, b Type) error {
	return fmt.Errorf("operator %s cannot be applied to %s and %s", op, a, b)
}

func numericResult(a, b Type) Type {
	switch {
	case a == Decimal || b == Decimal:
		return Decimal
	case a == Real || b == Real:
		return Real
	}
	return Long
}

// UnaryMinus negates a number or timespan; null stays null.
func UnaryMinus(v Value) (Value, error) {
	switch v.Type {
	case Int, Long, TimeSpan:
		if v.Null {
			return v, nil
		}
		r := v
		r.I = -v.I
		if v.Type == Int {
			r.I = int64(int32(r.I))
		}
		return r, nil
	case Real, Decimal:
		r := v
		r.F = -v.F
		return r, nil
	case Null:
		return v, nil
	case Dynamic:
		if v.Null {
			return v, nil
		}
		e := FromDynamic(v.D)
		if e.Type == Dynamic {
			return NullOf(Dynamic), nil
		}
		r, err := UnaryMinus(e)
		if err != nil {
			return NullOf(Dynamic), nil
		}
		return NewDynamic(ToDynamicElement(r)), nil
	}
	return Value{}, fmt.Errorf("unary minus cannot be applied to %s", v.Type)
}

// Arith evaluates a binary arithmetic operator with Kusto's rules (see
// ArithType). A null operand gives a null of the result type. Integer
// division truncates toward zero; integer division or modulo by zero gives
// null; real division by zero gives ±infinity or NaN. The modulo result is
// always in [0, |divisor|), e.g. -14 % 12 is 10. Integer overflow wraps.
func Arith(op string, a, b Value) (Value, error) {
	if a.Type == Dynamic || b.Type == Dynamic {
		return arithDynamic(op, a, b)
	}
	t, err := ArithType(op, a.Type, b.Type)
	if err != nil {
		return Value{}, err
	}
	if a.IsNull() || b.IsNull() || t == Null {
		return NullOf(t), nil
	}
	switch t {
	case Long:
		x, y := a.I, b.I
		switch op {
		case "+":
			return NewLong(x + y), nil
		case "-":
			return NewLong(x - y), nil
		case "*":
			return NewLong(x * y), nil
		case "/":
			if y == 0 {
				return NullOf(Long), nil
			}
			if y == -1 {
				return NewLong(-x), nil
			}
			return NewLong(x / y), nil
		case "%":
			if y == 0 {
				return NullOf(Long), nil
			}
			if y == -1 {
				return NewLong(0), nil
			}
			m := x % y
			if m < 0 {
				if y < 0 {
					m -= y
				} else {
					m += y
				}
			}
			return NewLong(m), nil
		}
	case Real, Decimal:
		if a.Type == TimeSpan {
			// timespan / timespan
			return NewReal(float64(a.I) / float64(b.I)), nil
		}
		x, y := numF(a), numF(b)
		var r float64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			r = x / y
		case "%":
			r = math.Mod(x, y)
			if r < 0 {
				r += math.Abs(y)
			}
		}
		if t == Decimal {
			return NewDecimal(r), nil
		}
		return NewReal(r), nil
	case DateTime, TimeSpan:
		return timeArith(op, t, a, b)
	}
	return Value{}, arithErr(op, a.Type, b.Type)
}

func timeArith(op string, t Type, a, b Value) (Value, error) {
	switch op {
	case "+":
		return Value{Type: t, I: a.I + b.I}, nil
	case "-":
		return Value{Type: t, I: a.I - b.I}, nil
	case "*":
		// timespan * number
		ts, n := a, b
		if b.Type == TimeSpan {
			ts, n = b, a
		}
		if n.Type.IsInteger() {
			return NewTimeSpan(ts.I * n.I), nil
		}
		return realTicks(float64(ts.I) * n.F), nil
	case "/":
		if b.Type.IsInteger() {
			if b.I == 0 {
				return NullOf(TimeSpan), nil
			}
			return NewTimeSpan(a.I / b.I), nil
		}
		return realTicks(float64(a.I) / b.F), nil
	case "%":
		if b.I == 0 {
			return NullOf(TimeSpan), nil
		}
		m := a.I % b.I
		if m < 0 {
			if b.I < 0 {
				m -= b.I
			} else {
				m += b.I
			}
		}
		return NewTimeSpan(m), nil
	}
	return Value{}, arithErr(op, a.Type, b.Type)
}

// realTicks rounds a real tick count to a timespan; NaN and out-of-range
// values give null.
func realTicks(f float64) Value {
	r := math.Round(f)
	if n, ok := RealToLong(r); ok {
		return NewTimeSpan(n)
	}
	return NullOf(TimeSpan)
}

// arithDynamic applies an operator to dynamic operands through their
// elements; the result is wrapped back into a dynamic. Operands that are
// not numbers, datetimes or timespans give a dynamic null.
func arithDynamic(op string, a, b Value) (Value, error) {
	ea, eb := a, b
	if a.Type == Dynamic {
		if a.Null {
			return NullOf(Dynamic), nil
		}
		ea = FromDynamic(a.D)
	}
	if b.Type == Dynamic {
		if b.Null {
			return NullOf(Dynamic), nil
		}
		eb = FromDynamic(b.D)
	}
	if ea.Type == Dynamic || eb.Type == Dynamic || ea.Type == String || eb.Type == String {
		return NullOf(Dynamic), nil
	}
	r, err := Arith(op, ea, eb)
	if err != nil || r.IsNull() {
		return NullOf(Dynamic), nil
	}
	return NewDynamic(ToDynamicElement(r)), nil
}
