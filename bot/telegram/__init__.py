"""The Telegram side: the bot application and its commands, subscribers, routing of session events to chats,
the durable outbox and the paced sender."""
