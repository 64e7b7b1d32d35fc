package syntax
import "testing"
func TestDbg(t *testing.T) {
	entries, _ := loadCorpus(t)
	for _, e := range entries {
		if e.name == "upstream__Hunting Queries__AzureActivity__Azure-CloudShell-Usage.yaml" || e.name=="Detections__MultipleDataSources__GalliumIOCs.yaml" {
			q, err := Parse(e.name, e.query, nil)
			t.Log(err)
			t.Log("\n"+Print(q))
		}
	}
}
