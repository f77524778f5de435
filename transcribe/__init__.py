"""Audio in, text out: sources, voice-activity segmentation, the Whisper engine and model resolution."""
