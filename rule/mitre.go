package rule

import (
	"strings"

	"kqlhunt/alert"
)

// Tactics are the MITRE ATT&CK tactic names Sentinel rules use.
var Tactics = []string{
	"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
	"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
	"Collection", "Exfiltration", "CommandAndControl", "Impact", "PreAttack",
	"ImpairProcessControl", "InhibitResponseFunction",
}

// Tactic abbreviations used in the technique table.
const (
	recon = "Reconnaissance"
	resdv = "ResourceDevelopment"
	initA = "InitialAccess"
	exec  = "Execution"
	pers  = "Persistence"
	privE = "PrivilegeEscalation"
	defE  = "DefenseEvasion"
	cred  = "CredentialAccess"
	disc  = "Discovery"
	latM  = "LateralMovement"
	coll  = "Collection"
	exfil = "Exfiltration"
	c2    = "CommandAndControl"
	imp   = "Impact"
	ipc   = "ImpairProcessControl"
	irf   = "InhibitResponseFunction"
)

// techniqueTactics maps MITRE ATT&CK technique ids (parent techniques;
// sub-techniques inherit) to the tactics they belong to. It covers the
// techniques the rule corpus uses, including a few revoked ids that older
// rules still name, and the ICS techniques seen there.
var techniqueTactics = map[string][]string{
	"T1001": {c2}, "T1003": {cred}, "T1005": {coll}, "T1008": {c2}, "T1011": {exfil},
	"T1012": {disc}, "T1014": {defE}, "T1016": {disc}, "T1018": {disc}, "T1020": {exfil},
	"T1021": {latM}, "T1025": {coll}, "T1027": {defE}, "T1029": {exfil}, "T1030": {exfil},
	"T1033": {disc}, "T1035": {exec}, "T1036": {defE}, "T1037": {pers, privE}, "T1039": {coll},
	"T1040": {cred, disc}, "T1041": {exfil}, "T1043": {c2}, "T1046": {disc}, "T1047": {exec},
	"T1048": {exfil}, "T1049": {disc}, "T1052": {exfil}, "T1053": {exec, pers, privE},
	"T1055": {defE, privE}, "T1056": {coll, cred}, "T1057": {disc}, "T1059": {exec},
	"T1064": {defE, exec}, "T1065": {c2}, "T1068": {privE}, "T1069": {disc}, "T1070": {defE},
	"T1071": {c2}, "T1072": {exec, latM}, "T1074": {coll}, "T1076": {latM}, "T1078": {defE, initA, pers, privE},
	"T1080": {latM}, "T1082": {disc}, "T1083": {disc}, "T1087": {disc}, "T1089": {defE},
	"T1090": {c2}, "T1091": {latM, initA}, "T1092": {c2}, "T1094": {c2}, "T1095": {c2},
	"T1098": {pers, privE}, "T1100": {pers, privE}, "T1102": {c2}, "T1104": {c2}, "T1105": {c2},
	"T1106": {exec}, "T1107": {defE}, "T1109": {defE, pers}, "T1110": {cred}, "T1111": {cred},
	"T1112": {defE}, "T1113": {coll}, "T1114": {coll}, "T1115": {coll}, "T1119": {coll},
	"T1120": {disc}, "T1123": {coll}, "T1124": {disc}, "T1125": {coll}, "T1127": {defE},
	"T1129": {exec}, "T1133": {pers, initA}, "T1134": {defE, privE}, "T1135": {disc},
	"T1136": {pers}, "T1137": {pers}, "T1140": {defE}, "T1176": {pers}, "T1158": {defE, pers}, "T1483": {c2}, "T1185": {coll},
	"T1187": {cred}, "T1189": {initA}, "T1190": {initA}, "T1192": {initA}, "T1193": {initA},
	"T1195": {initA}, "T1197": {defE, pers}, "T1199": {initA}, "T1200": {initA}, "T1201": {disc},
	"T1202": {defE}, "T1203": {exec}, "T1204": {exec}, "T1205": {defE, pers, c2}, "T1207": {defE},
	"T1208": {cred}, "T1210": {latM}, "T1211": {defE}, "T1212": {cred}, "T1213": {coll},
	"T1216": {defE}, "T1217": {disc}, "T1218": {defE}, "T1219": {c2}, "T1220": {defE},
	"T1221": {defE}, "T1222": {defE}, "T1480": {defE}, "T1482": {disc}, "T1484": {defE, privE},
	"T1485": {imp}, "T1486": {imp}, "T1489": {imp}, "T1490": {imp}, "T1491": {imp},
	"T1495": {imp}, "T1496": {imp}, "T1497": {defE, disc}, "T1498": {imp}, "T1499": {imp},
	"T1505": {pers}, "T1518": {disc}, "T1525": {pers}, "T1526": {disc}, "T1528": {cred},
	"T1529": {imp}, "T1530": {coll}, "T1531": {imp}, "T1534": {latM}, "T1535": {defE},
	"T1537": {exfil}, "T1538": {disc}, "T1539": {cred}, "T1542": {defE, pers}, "T1543": {pers, privE},
	"T1546": {privE, pers}, "T1547": {pers, privE}, "T1548": {privE, defE}, "T1550": {defE, latM},
	"T1552": {cred}, "T1553": {defE}, "T1554": {pers}, "T1555": {cred}, "T1556": {cred, defE, pers},
	"T1557": {cred, coll}, "T1558": {cred}, "T1559": {exec}, "T1560": {coll}, "T1561": {imp},
	"T1562": {defE}, "T1563": {latM}, "T1564": {defE}, "T1565": {imp}, "T1566": {initA},
	"T1567": {exfil}, "T1568": {c2}, "T1569": {exec}, "T1570": {latM}, "T1571": {c2},
	"T1572": {c2}, "T1573": {c2}, "T1574": {pers, privE, defE}, "T1578": {defE}, "T1580": {disc},
	"T1583": {resdv}, "T1584": {resdv}, "T1585": {resdv}, "T1586": {resdv}, "T1587": {resdv},
	"T1588": {resdv}, "T1589": {recon}, "T1590": {recon}, "T1591": {recon}, "T1592": {recon},
	"T1593": {recon}, "T1594": {recon}, "T1595": {recon}, "T1596": {recon}, "T1597": {recon},
	"T1598": {recon}, "T1599": {defE}, "T1600": {defE}, "T1601": {defE}, "T1602": {coll},
	"T1606": {cred}, "T1608": {resdv}, "T1609": {exec}, "T1610": {defE, exec}, "T1611": {privE},
	"T1612": {defE}, "T1613": {disc}, "T1614": {disc}, "T1615": {disc}, "T1619": {disc},
	"T1620": {defE}, "T1621": {cred}, "T1622": {defE, disc}, "T1648": {exec}, "T1649": {cred},
	// ICS techniques seen in the corpus.
	"T0812": {latM}, "T0813": {imp}, "T0814": {irf}, "T0839": {pers, ipc}, "T0842": {disc},
	"T0853": {exec}, "T0857": {pers, ipc}, "T0858": {exec, defE}, "T0866": {initA, latM},
	"T0881": {irf}, "T0882": {imp}, "T0883": {initA}, "T0886": {initA, latM}, "T0890": {privE},
}

// TechniqueTactics returns the tactics of a technique id (T1234 or
// T1234.001, case-insensitive) and whether the technique is known.
func TechniqueTactics(id string) ([]string, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	if i := strings.IndexByte(id, '.'); i >= 0 {
		id = id[:i]
	}
	t, ok := techniqueTactics[id]
	return t, ok
}

// Attacks pairs each of r's techniques with the rule tactics it belongs to
// (one pair per match). A technique matching none of the rule's tactics, or
// not in the table, is paired with no tactic; tactics no technique covers
// are listed alone.
func Attacks(r *Rule) []alert.Attack {
	var out []alert.Attack
	used := map[string]bool{}
	for _, tech := range r.RelevantTechniques {
		tactics, _ := TechniqueTactics(tech)
		matched := false
		for _, rt := range r.Tactics {
			for _, t := range tactics {
				if t == rt {
					out = append(out, alert.Attack{Tactic: rt, Technique: tech})
					used[rt] = true
					matched = true
				}
			}
		}
		if !matched {
			out = append(out, alert.Attack{Technique: tech})
		}
	}
	for _, rt := range r.Tactics {
		if !used[rt] {
			out = append(out, alert.Attack{Tactic: rt})
			used[rt] = true
		}
	}
	return out
}
