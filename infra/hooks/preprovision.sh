#!/bin/sh
# azd runs this before every `azd provision` / `azd up`, with the environment's values (azd env get-values) set.
# With VNET_ENABLED=true the app's subnet is delegated to Microsoft.App/environments, which ARM refuses until the
# subscription has registered the Microsoft.App resource provider (Flex Consumption, "Considerations": VNet integration).
set -eu

vnet=$(printf '%s' "${VNET_ENABLED:-false}" | tr '[:upper:]' '[:lower:]')
if [ "$vnet" != "true" ]; then
  exit 0
fi

set -- --namespace Microsoft.App
if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ]; then
  set -- "$@" --subscription "$AZURE_SUBSCRIPTION_ID"
fi

state=$(az provider show "$@" --query registrationState --output tsv)
if [ "$state" = "Registered" ]; then
  echo "Microsoft.App is registered: the VNet's app subnet can be delegated to it."
  exit 0
fi

echo "VNET_ENABLED=true: registering the Microsoft.App resource provider (state: ${state:-unknown}); this takes a minute or two."
az provider register "$@" --wait
echo "Microsoft.App is registered."
