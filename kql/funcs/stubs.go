package funcs

var (
	stringFuncs  = []*Func{}
	dynamicFuncs = []*Func{}
	ipFuncs      = []*Func{}
	hashFuncs    = []*Func{}
	windowFuncs  = []*Func{}
	specialFuncs = []*Func{}
)
