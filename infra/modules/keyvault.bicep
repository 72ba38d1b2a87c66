// The vault for the four Sinch secrets. RBAC only (no access policies), soft delete and purge protection on.
// The template creates no secret values: they are set once with `az keyvault secret set` (see the README).
param name string
param location string
param tags object

@allowed([ 'Allow', 'Deny' ])
param networkDefaultAction string

param allowedIpRanges array

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkDefaultAction
      ipRules: [for range in allowedIpRanges: { value: range }]
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
