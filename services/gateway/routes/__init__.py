"""HTTP routes of the gateway, one module per owning service, mixed into GatewayService."""
