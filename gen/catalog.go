package gen

// This file holds the fixed vocabularies the generator draws from. They are
// built once and never mutated.

// operation describes one Azure Resource Manager operation.
type operation struct {
	value     string // OperationNameValue, canonical case
	localized string // legacy OperationName
	provider  string // ResourceProviderValue
	resType   string // resource type path below the provider, e.g. "storageAccounts"
	prefix    string // resource name prefix
	method    string // HTTP method
	weight    int    // relative frequency in background traffic
	body      bool   // whether the request carries a body
}

// listKeysOp is the operation the Cloud Shell rule keys on.
const listKeysOp = "Microsoft.Storage/storageAccounts/listKeys/action"

var operations = []operation{
	{"Microsoft.Storage/storageAccounts/listKeys/action", "List Storage Account Keys", "Microsoft.Storage", "storageAccounts", "st", "POST", 40, false},
	{"Microsoft.Storage/storageAccounts/write", "Create/Update Storage Account", "Microsoft.Storage", "storageAccounts", "st", "PUT", 20, true},
	{"Microsoft.Storage/storageAccounts/delete", "Delete Storage Account", "Microsoft.Storage", "storageAccounts", "st", "DELETE", 2, false},
	{"Microsoft.Storage/storageAccounts/fileServices/shares/write", "Create or update file share", "Microsoft.Storage", "storageAccounts", "st", "PUT", 6, true},
	{"Microsoft.Storage/storageAccounts/blobServices/containers/write", "Put blob container", "Microsoft.Storage", "storageAccounts", "st", "PUT", 8, true},
	{"Microsoft.Storage/storageAccounts/regenerateKey/action", "Regenerate Storage Account Keys", "Microsoft.Storage", "storageAccounts", "st", "POST", 1, true},
	{"Microsoft.Compute/virtualMachines/write", "Create or Update Virtual Machine", "Microsoft.Compute", "virtualMachines", "vm-", "PUT", 30, true},
	{"Microsoft.Compute/virtualMachines/start/action", "Start Virtual Machine", "Microsoft.Compute", "virtualMachines", "vm-", "POST", 15, false},
	{"Microsoft.Compute/virtualMachines/deallocate/action", "Deallocate Virtual Machine", "Microsoft.Compute", "virtualMachines", "vm-", "POST", 15, false},
	{"Microsoft.Compute/virtualMachines/runCommand/action", "Run Command on Virtual Machine", "Microsoft.Compute", "virtualMachines", "vm-", "POST", 3, true},
	{"Microsoft.Compute/virtualMachines/extensions/write", "Create or Update Virtual Machine Extension", "Microsoft.Compute", "virtualMachines", "vm-", "PUT", 10, true},
	{"Microsoft.Compute/disks/write", "Create or Update Disk", "Microsoft.Compute", "disks", "disk-", "PUT", 10, true},
	{"Microsoft.Compute/snapshots/write", "Create or Update Snapshot", "Microsoft.Compute", "snapshots", "snap-", "PUT", 4, true},
	{"Microsoft.Network/networkSecurityGroups/write", "Create or Update Network Security Group", "Microsoft.Network", "networkSecurityGroups", "nsg-", "PUT", 12, true},
	{"Microsoft.Network/networkSecurityGroups/securityRules/write", "Create or Update Security Rule", "Microsoft.Network", "networkSecurityGroups", "nsg-", "PUT", 10, true},
	{"Microsoft.Network/networkInterfaces/write", "Create or Update Network Interface", "Microsoft.Network", "networkInterfaces", "nic-", "PUT", 12, true},
	{"Microsoft.Network/publicIPAddresses/write", "Create or Update Public Ip Address", "Microsoft.Network", "publicIPAddresses", "pip-", "PUT", 8, true},
	{"Microsoft.Network/virtualNetworks/write", "Create or Update Virtual Network", "Microsoft.Network", "virtualNetworks", "vnet-", "PUT", 6, true},
	{"Microsoft.Network/virtualNetworks/subnets/join/action", "Join Virtual Network", "Microsoft.Network", "virtualNetworks", "vnet-", "POST", 6, false},
	{"Microsoft.KeyVault/vaults/write", "Update Key Vault", "Microsoft.KeyVault", "vaults", "kv-", "PUT", 5, true},
	{"Microsoft.KeyVault/vaults/secrets/write", "Write Secret", "Microsoft.KeyVault", "vaults", "kv-", "PUT", 6, true},
	{"Microsoft.KeyVault/vaults/accessPolicies/write", "Update Access Policy", "Microsoft.KeyVault", "vaults", "kv-", "PUT", 2, true},
	{"Microsoft.Authorization/roleAssignments/write", "Create role assignment", "Microsoft.Authorization", "roleAssignments", "", "PUT", 4, true},
	{"Microsoft.Authorization/roleAssignments/delete", "Delete role assignment", "Microsoft.Authorization", "roleAssignments", "", "DELETE", 2, false},
	{"Microsoft.Authorization/policyAssignments/write", "Create policy assignment", "Microsoft.Authorization", "policyAssignments", "pa-", "PUT", 2, true},
	{"Microsoft.Authorization/locks/write", "Create management lock", "Microsoft.Authorization", "locks", "lock-", "PUT", 1, true},
	{"Microsoft.Resources/deployments/write", "Create Deployment", "Microsoft.Resources", "deployments", "deploy-", "PUT", 25, true},
	{"Microsoft.Resources/deployments/validate/action", "Validate Deployment", "Microsoft.Resources", "deployments", "deploy-", "POST", 10, true},
	{"Microsoft.Resources/subscriptions/resourceGroups/write", "Update Resource Group", "Microsoft.Resources", "resourceGroups", "", "PUT", 5, true},
	{"Microsoft.Resources/tags/write", "Update tags", "Microsoft.Resources", "tags", "default", "PUT", 5, true},
	{"Microsoft.Web/sites/write", "Create or Update Web App", "Microsoft.Web", "sites", "app-", "PUT", 10, true},
	{"Microsoft.Web/sites/restart/action", "Restart Web App", "Microsoft.Web", "sites", "app-", "POST", 6, false},
	{"Microsoft.Web/sites/config/list/action", "List Web App Security Sensitive Settings", "Microsoft.Web", "sites", "app-", "POST", 6, false},
	{"Microsoft.Web/sites/publishxml/action", "Get publishing profile", "Microsoft.Web", "sites", "app-", "POST", 3, false},
	{"Microsoft.Sql/servers/firewallRules/write", "Create/Update server firewall rule", "Microsoft.Sql", "servers", "sql-", "PUT", 3, true},
	{"Microsoft.Sql/servers/databases/write", "Create/Update Database", "Microsoft.Sql", "servers", "sql-", "PUT", 4, true},
	{"Microsoft.ContainerService/managedClusters/write", "Create or Update Managed Cluster", "Microsoft.ContainerService", "managedClusters", "aks-", "PUT", 4, true},
	{"Microsoft.ContainerService/managedClusters/listClusterUserCredential/action", "List clusterUser credential", "Microsoft.ContainerService", "managedClusters", "aks-", "POST", 8, false},
	{"Microsoft.OperationalInsights/workspaces/write", "Create Workspace", "Microsoft.OperationalInsights", "workspaces", "law-", "PUT", 2, true},
	{"Microsoft.OperationalInsights/workspaces/sharedKeys/action", "List Workspace Shared Keys", "Microsoft.OperationalInsights", "workspaces", "law-", "POST", 3, false},
	{"Microsoft.SecurityInsights/incidents/write", "Update Incidents", "Microsoft.SecurityInsights", "incidents", "", "PUT", 8, true},
	{"Microsoft.SecurityInsights/alertRules/write", "Create or update analytics rule", "Microsoft.SecurityInsights", "alertRules", "", "PUT", 3, true},
	{"Microsoft.Insights/diagnosticSettings/write", "Create or update resource diagnostic setting", "Microsoft.Insights", "diagnosticSettings", "diag-", "PUT", 4, true},
	{"Microsoft.Insights/diagnosticSettings/delete", "Delete resource diagnostic setting", "Microsoft.Insights", "diagnosticSettings", "diag-", "DELETE", 1, false},
	{"Microsoft.Portal/consoles/write", "Create or update console", "Microsoft.Portal", "consoles", "default", "PUT", 1, true},
	{"Microsoft.Automation/automationAccounts/runbooks/write", "Create or Update an Azure Automation Runbook", "Microsoft.Automation", "automationAccounts", "aa-", "PUT", 2, true},
}

// sessionOps are the operations a Cloud Shell user runs after the storage
// keys are listed, by canonical name.
var sessionOps = []string{
	"Microsoft.Storage/storageAccounts/fileServices/shares/write",
	"Microsoft.Compute/virtualMachines/start/action",
	"Microsoft.Compute/virtualMachines/runCommand/action",
	"Microsoft.Network/networkSecurityGroups/securityRules/write",
	"Microsoft.KeyVault/vaults/secrets/write",
	"Microsoft.Authorization/roleAssignments/write",
	"Microsoft.Resources/deployments/write",
	"Microsoft.Web/sites/config/list/action",
	"Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
	"Microsoft.Portal/consoles/write",
	"Microsoft.Storage/storageAccounts/write",
}

// regions used in cloud-shell-storage-<region> resource groups.
var regions = []string{"westeurope", "eastus", "southeastasia", "centralindia", "westus", "northeurope", "eastus2", "uksouth"}

// lookAlikeGroups contain "cloud-shell-storage" but not as whole terms.
var lookAlikeGroups = []string{"mycloud-shell-storage", "cloud-shell-storagex", "mycloud-shell-storage-eastus", "cloud-shell-storagex-westeurope"}

var firstNames = []string{"adele", "alex", "allan", "bianca", "christie", "debra", "diego", "emily", "enrico", "grady",
	"henrietta", "irvin", "isaiah", "johanna", "joni", "lee", "lidia", "lynne", "megan", "miriam", "nestor", "patti",
	"pradeep", "raul", "sam", "yanivsh", "omar", "priya", "wei", "fatima", "lars", "ingrid", "kenji", "sofia", "mateo"}

var lastNames = []string{"vance", "wilber", "deyoung", "pila", "cline", "garcia", "zbiggs", "braun", "gallo", "smith",
	"patel", "nguyen", "kim", "muller", "rossi", "silva", "cohen", "tanaka", "johansson", "okafor", "dubois", "novak"}

var domains = []string{"contoso.onmicrosoft.com", "contoso.com", "fabrikam.com", "M365x816222.OnMicrosoft.com"}

var groupWords = []string{"prod", "dev", "test", "shared", "core", "data", "web", "api", "analytics", "sentinel",
	"network", "security", "backup", "ml", "iot", "billing", "identity", "logging", "hub", "spoke"}

var roles = []string{"Owner", "Contributor", "Reader", "Storage Account Contributor", "Virtual Machine Contributor",
	"Key Vault Administrator", "User Access Administrator", "Network Contributor"}

var appIDs = []string{
	"c44b4083-3bb0-49c1-b47d-974e53cbdf3c", // Azure portal
	"04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Azure CLI
	"1950a258-227b-4e31-a9cf-717495945fc2", // Azure PowerShell
	"00000006-0000-0ff1-ce00-000000000000",
}
