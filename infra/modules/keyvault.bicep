// The vault for the four Sinch secrets. RBAC only (no access policies), soft delete, purge protection as chosen.
// The template creates no secret values: they are set once with `az keyvault secret set` (see the README).
param name string
param location string
param tags object
param purgeProtection bool

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
    // Off is written as "absent": Azure refuses false on a vault that once had it on.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
