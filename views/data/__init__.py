"""数据管理 Data: planners bring their own files and layer them with the atlas (`page`)."""
