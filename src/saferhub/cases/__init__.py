"""Cases: ASB, domestic abuse and complex or vulnerable person cases, led by one organisation."""
