// Package activity defines the AzureActivity row (Record), the rules that
// normalise an activity-log event from any export shape into the columns
// Log Analytics shows, and the conversion of records into columnar batches.
package activity

// Record is one AzureActivity row: every column of the Log Analytics table
// plus _SubscriptionId. Strings are never nil; a missing value is "".
//
// TimeGenerated and EventSubmissionTimestamp hold 100-nanosecond ticks
// since the Unix epoch (UTC), like types.DateTime values;
// HasEventSubmission is false when the source carries no submission time,
// and HasTimeGenerated false when a decoder found no event time.
// The *D fields hold dynamic values in the kql/types dynamic model; the
// legacy string columns Authorization, Claims, Properties and HTTPRequest
// keep the JSON text the source gave.
type Record struct {
	OperationName          string
	OperationNameValue     string
	Level                  string
	ActivityStatus         string
	ActivityStatusValue    string
	ActivitySubstatus      string
	ActivitySubstatusValue string
	ResourceGroup          string
	SubscriptionId         string
	CorrelationId          string
	Caller                 string
	CallerIpAddress        string
	Category               string
	CategoryValue          string
	HTTPRequest            string
	Properties             string

	EventSubmissionTimestamp int64
	HasEventSubmission       bool

	Authorization         string
	ResourceId            string
	OperationId           string
	ResourceProvider      string
	ResourceProviderValue string
	Resource              string
	EventDataId           string
	TenantId              string

	TimeGenerated    int64
	HasTimeGenerated bool // false until a decoder sets TimeGenerated

	SourceSystem   string
	AuthorizationD any // Authorization_d
	Claims         string
	ClaimsD        any // Claims_d
	PropertiesD    any // Properties_d
	Hierarchy      string
	Type           string
	ResourceIdLA   string // _ResourceId
	SubscriptionLA string // _SubscriptionId
}

// Reset clears r for reuse.
func (r *Record) Reset() { *r = Record{} }
