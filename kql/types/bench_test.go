package types

import "testing"

var benchHay = "/subscriptions/0000/resourceGroups/cloud-shell-storage-westeurope/providers/Microsoft.Storage/storageAccounts/cs1"

func BenchmarkHasCaseInsensitive(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Has(benchHay, "CLOUD-SHELL-STORAGE", false)
	}
}

func BenchmarkHasCaseSensitive(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Has(benchHay, "cloud-shell-storage", true)
	}
}

func BenchmarkEqualFold(b *testing.B) {
	for i := 0; i < b.N; i++ {
		EqualFold("Microsoft.Storage/storageAccounts/listKeys/action", "microsoft.storage/storageaccounts/listkeys/ACTION")
	}
}

func BenchmarkParseDateTime(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := ParseDateTime("2021-04-28T14:31:30.0210000Z"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFormatDateTime(b *testing.B) {
	buf := make([]byte, 0, 32)
	for i := 0; i < b.N; i++ {
		buf = AppendDateTime(buf[:0], int64(i)*TicksPerSecond)
	}
}

func BenchmarkParseDynamic(b *testing.B) {
	text := `{"statusCode":"OK","serviceRequestId":null,"eventCategory":"Administrative","entity":"/subscriptions/x","message":"Microsoft.Storage/storageAccounts/listKeys/action","hierarchy":"a/b/c","nested":{"a":[1,2,3.5,true]}}`
	for i := 0; i < b.N; i++ {
		if _, err := ParseDynamic(text); err != nil {
			b.Fatal(err)
		}
	}
}
