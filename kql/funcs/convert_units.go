package funcs

import (
	"strings"

	"kqlhunt/kql/types"
)

// Unit conversions: convert_energy, convert_force, convert_length,
// convert_speed, convert_temperature and convert_volume. Each unit is a
// linear map to the quantity's base unit (base = value*scale + offset);
// only temperatures use an offset. Unit names are the documented ones,
// matched without regard to case; an unknown unit gives null.

// unit maps a unit to its quantity's base unit.
type unit struct {
	scale, offset float64
}

// unitTable maps lower-cased unit names to their definitions.
type unitTable map[string]unit

// linearUnits builds a table of offset-free units from name/scale pairs.
func linearUnits(pairs map[string]float64) unitTable {
	t := make(unitTable, len(pairs))
	for name, s := range pairs {
		t[strings.ToLower(name)] = unit{scale: s}
	}
	return t
}

// Energy units, in joules.
var energyUnits = linearUnits(map[string]float64{
	"Joule": 1, "Millijoule": 1e-3, "Kilojoule": 1e3, "Megajoule": 1e6, "Gigajoule": 1e9,
	"Calorie": 4.184, "Kilocalorie": 4.184e3, "Megacalorie": 4.184e6,
	"BritishThermalUnit": 1055.05585262, "KilobritishThermalUnit": 1055.05585262e3,
	"MegabritishThermalUnit": 1055.05585262e6, "GigabritishThermalUnit": 1055.05585262e9,
	"ElectronVolt": 1.602176565e-19, "KiloelectronVolt": 1.602176565e-16, "MegaelectronVolt": 1.602176565e-13,
	"GigaelectronVolt": 1.602176565e-10, "TeraelectronVolt": 1.602176565e-7,
	"FootPound": 1.355817948, "Erg": 1e-7,
	"WattHour": 3600, "KilowattHour": 3600e3, "MegawattHour": 3600e6, "GigawattHour": 3600e9, "TerawattHour": 3600e12,
	"WattDay": 86400, "KilowattDay": 86400e3, "MegawattDay": 86400e6, "GigawattDay": 86400e9, "TerawattDay": 86400e12,
	"ThermEc": 1.05505585262e8, "DecathermEc": 1.05505585262e9,
	"ThermUs": 1.054804e8, "DecathermUs": 1.054804e9,
	"ThermImperial": 1.05505585257348e8, "DecathermImperial": 1.05505585257348e9,
	"HorsepowerHour": 2.6845195377e6,
})

// Force units, in newtons.
var forceUnits = linearUnits(map[string]float64{
	"Newton": 1, "Micronewton": 1e-6, "Millinewton": 1e-3, "Decanewton": 10, "Kilonewton": 1e3, "Meganewton": 1e6,
	"Dyn": 1e-5, "KilogramForce": 9.80665002864, "KiloPond": 9.80665002864, "TonneForce": 9.80665002864e3,
	"Poundal": 0.13825502798973041652, "PoundForce": 4.4482216152605095551, "KilopoundForce": 4.4482216152605095551e3,
	"OunceForce": 2.780138509537812e-1, "ShortTonForce": 8.896443230521e3,
})

// Length units, in meters.
var lengthMeters = map[string]float64{
	"Meter": 1, "Nanometer": 1e-9, "Micrometer": 1e-6, "Millimeter": 1e-3, "Centimeter": 1e-2,
	"Decimeter": 1e-1, "Decameter": 1e1, "Hectometer": 1e2, "Kilometer": 1e3,
	"Angstrom": 1e-10, "AstronomicalUnit": 1.4959787070e11, "Chain": 20.1168, "DataMile": 1828.8,
	"DtpPica": 1 / 236.220472441, "DtpPoint": 2.54e-2 / 72, "Fathom": 1.8288, "Foot": 0.3048, "Hand": 0.1016,
	"Inch": 2.54e-2, "LightYear": 9.46073047258e15, "KilolightYear": 9.46073047258e18, "MegalightYear": 9.46073047258e21,
	"Parsec": 3.08567758128e16, "Kiloparsec": 3.08567758128e19, "Megaparsec": 3.08567758128e22,
	"Microinch": 2.54e-8, "Mil": 2.54e-5, "Mile": 1609.344, "NauticalMile": 1852,
	"PrinterPica": 1 / 237.106301584, "PrinterPoint": 2.54e-2 / 72.27, "Shackle": 27.432,
	"SolarRadius": 6.95510000e8, "Twip": 1 / 56692.913385826, "UsSurveyFoot": 1200.0 / 3937, "Yard": 0.9144,
}

var lengthUnits = linearUnits(lengthMeters)

// Speed units, in meters per second: each documented unit is a length per
// second, minute or hour, plus the knot.
var speedUnits = func() unitTable {
	per := map[string]float64{"Second": 1, "Minute": 60, "Hour": 3600}
	lengths := map[string][]string{
		"Centimeter": {"Hour", "Minute", "Second"}, "Decimeter": {"Minute", "Second"},
		"Foot": {"Hour", "Minute", "Second"}, "Inch": {"Hour", "Minute", "Second"},
		"Kilometer": {"Hour", "Minute", "Second"}, "Meter": {"Hour", "Minute", "Second"},
		"Micrometer": {"Minute", "Second"}, "Mile": {"Hour"}, "Millimeter": {"Hour", "Minute", "Second"},
		"Nanometer": {"Minute", "Second"}, "UsSurveyFoot": {"Hour", "Minute", "Second"},
		"Yard": {"Hour", "Minute", "Second"},
	}
	m := map[string]float64{"Knot": 1852.0 / 3600}
	for l, ps := range lengths {
		for _, p := range ps {
			m[l+"Per"+p] = lengthMeters[l] / per[p]
		}
	}
	return linearUnits(m)
}()

// Temperature units, in kelvins.
var temperatureUnits = unitTable{
	"kelvin":             {1, 0},
	"degreecelsius":      {1, 273.15},
	"millidegreecelsius": {1e-3, 273.15},
	"degreedelisle":      {-2.0 / 3, 373.15},
	"degreefahrenheit":   {5.0 / 9, 459.67 * 5 / 9},
	"degreenewton":       {100.0 / 33, 273.15},
	"degreerankine":      {5.0 / 9, 0},
	"degreereaumur":      {5.0 / 4, 273.15},
	"degreeroemer":       {40.0 / 21, 273.15 - 7.5*40/21},
	"solartemperature":   {5778, 0},
}

// Volume units, in cubic meters.
var volumeUnits = linearUnits(map[string]float64{
	"CubicMeter": 1, "HectocubicMeter": 1e2, "KilocubicMeter": 1e3,
	"Liter": 1e-3, "Microliter": 1e-9, "Milliliter": 1e-6, "Centiliter": 1e-5, "Deciliter": 1e-4,
	"Decaliter": 1e-2, "Hectoliter": 1e-1, "Kiloliter": 1, "Megaliter": 1e3,
	"CubicKilometer": 1e9, "CubicHectometer": 1e6, "CubicDecimeter": 1e-3, "CubicCentimeter": 1e-6,
	"CubicMillimeter": 1e-9, "CubicMicrometer": 1e-18, "CubicMile": 4.16818182544058e9,
	"CubicYard": 0.764554858, "CubicFoot": 0.0283168, "HectocubicFoot": 2.83168, "KilocubicFoot": 28.3168,
	"MegacubicFoot": 28316.8, "CubicInch": 1.6387e-5, "BoardFoot": 2.3597372158e-3,
	"ImperialGallon": 0.00454609, "KiloimperialGallon": 4.54609, "MegaimperialGallon": 4546.09,
	"ImperialOunce": 2.8413062499962901e-5, "ImperialPint": 5.6826125e-4, "ImperialBeerBarrel": 0.16365924,
	"UsGallon": 0.00378541, "DeciusGallon": 0.000378541, "DecausGallon": 0.0378541, "HectousGallon": 0.378541,
	"KilousGallon": 3.78541, "MegausGallon": 3785.41,
	"UsOunce": 2.957352956253760505e-5, "UsTablespoon": 1.478676478125e-5, "AuTablespoon": 2e-5,
	"UkTablespoon": 1.5e-5, "MetricTeaspoon": 0.5e-5, "UsTeaspoon": 4.92892159375e-6, "MetricCup": 0.00025,
	"UsCustomaryCup": 0.0002365882365, "UsLegalCup": 0.00024, "OilBarrel": 0.158987294928,
	"UsBeerBarrel": 0.1173477658, "UsQuart": 9.46352946e-4, "UsPint": 4.73176473e-4,
	"AcreFoot": 1 / 0.000810714,
})

// convertFunc builds a convert_<quantity>(value, from, to) entry.
func convertFunc(name string, units unitTable) *Func {
	return scalar(name, 3, 3, sig(types.Real, aNum, aStr, aStr), func(_ *Context, a []types.Value) (types.Value, error) {
		x, ok := argReal(a[0])
		if !ok || isNull(a[1]) || isNull(a[2]) {
			return nullReal, nil
		}
		from, ok1 := units[strings.ToLower(argStr(a[1]))]
		to, ok2 := units[strings.ToLower(argStr(a[2]))]
		if !ok1 || !ok2 {
			return nullReal, nil
		}
		if from == to {
			return types.NewReal(x), nil
		}
		base := x*from.scale + from.offset
		return types.NewReal((base - to.offset) / to.scale), nil
	})
}

var convertFuncs = []*Func{
	convertFunc("convert_energy", energyUnits),
	convertFunc("convert_force", forceUnits),
	convertFunc("convert_length", lengthUnits),
	convertFunc("convert_speed", speedUnits),
	convertFunc("convert_temperature", temperatureUnits),
	convertFunc("convert_volume", volumeUnits),
}
