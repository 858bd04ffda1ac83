"""Sample-data builders, one module per theme; besides each other they import only geo and layers."""
